package api

import (
	"net/http"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/notify"
)

// The caller's own in-app notifications. Notifications belong to a person; a login linked to no
// person has none (empty lists and zero counts rather than an error, since that is the truth).
// No permission is needed: everyone reads and marks only their own.

func (a *API) listNotifications(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	unread, err := queryBool(r, "unread", false)
	if err != nil {
		return err
	}
	person := caller(r).User.PersonID
	if person == 0 {
		writeList(w, []notify.Notification{}, 0, pg)
		return nil
	}
	list, total, err := notify.List(r.Context(), a.DB, person, unread, pg)
	if err != nil {
		return err
	}
	writeList(w, list, total, pg)
	return nil
}

// unreadView is the badge count.
type unreadView struct {
	Unread int `json:"unread"`
}

func (a *API) unreadNotifications(w http.ResponseWriter, r *http.Request) error {
	n := 0
	if person := caller(r).User.PersonID; person != 0 {
		var err error
		if n, err = notify.Unread(r.Context(), a.DB, person); err != nil {
			return err
		}
	}
	httpx.WriteJSON(w, http.StatusOK, unreadView{Unread: n})
	return nil
}

// markReadBody names the notifications to mark read, or all of them; exactly one of the two.
type markReadBody struct {
	IDs []int64 `json:"ids"`
	All bool    `json:"all"`
}

// maxMarkIDs bounds one call's ids, like a page.
const maxMarkIDs = 500

// markedView says how many notifications changed (ids already read or not the caller's count
// for nothing, without saying which).
type markedView struct {
	Marked int `json:"marked"`
}

func (a *API) markNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	var in markReadBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	switch {
	case in.All && in.IDs != nil:
		return errs.Field("ids", "ids 与 all 只能填写其一")
	case !in.All && len(in.IDs) == 0:
		return errs.Field("ids", "请提供要标为已读的通知编号(ids),或 \"all\": true 标记全部")
	case len(in.IDs) > maxMarkIDs:
		return errs.Field("ids", "一次最多标记 500 条通知")
	}
	for _, id := range in.IDs {
		if id <= 0 {
			return errs.Field("ids", "通知编号应为正整数")
		}
	}
	person := caller(r).User.PersonID
	if person == 0 {
		httpx.WriteJSON(w, http.StatusOK, markedView{})
		return nil
	}
	var n int
	var err error
	if in.All {
		n, err = notify.MarkAllRead(r.Context(), a.DB, person)
	} else {
		n, err = notify.MarkRead(r.Context(), a.DB, person, in.IDs)
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, markedView{Marked: n})
	return nil
}
