package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/notify"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// My reminders (我的提醒) and, for the administrator, the group-chat robots reminders go to.
//
// A user sees and marks only the notifications of the person their account is linked to: the
// person id comes from the session, never from the request.

func (s *Server) notificationRoutes(mux *http.ServeMux) {
	mux.Handle("GET /notifications", s.page("", s.notifications))
	mux.Handle("POST /notifications/read", s.page("", s.notificationsRead))
	// notify allows only administrators to manage robots; it refuses everyone else with 403.
	mux.Handle("GET /settings/channels", s.page("", s.channels))
	mux.Handle("POST /settings/channels", s.page("", s.channelAdd))
	mux.Handle("POST /settings/channels/{id}/delete", s.page("", s.channelDelete))
}

type notificationsData struct {
	NoPerson bool
	Unread   int
	Only     bool // unread only
	List     []notify.Notification
	Pager    pager
}

func (s *Server) notifications(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	d := notificationsData{Only: r.URL.Query().Get("unread") == "1"}
	if c.User.PersonID == 0 {
		d.NoPerson = true
		s.render(w, r, http.StatusOK, "notifications", view{Title: "我的提醒", Active: "notifications", Data: d})
		return
	}
	_, pg, err := listParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, total, err := notify.List(r.Context(), s.DB, c.User.PersonID, d.Only, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Unread, err = notify.Unread(r.Context(), s.DB, c.User.PersonID); err != nil {
		s.fail(w, r, err)
		return
	}
	d.List, d.Pager = list, newPager(r, total, pg.Limit, pg.Offset)
	s.render(w, r, http.StatusOK, "notifications", view{Title: "我的提醒", Active: "notifications", Data: d})
}

// notificationsRead marks the checked notifications (id, repeated) or, with all=1, every one
// read; ids of other people's notifications change nothing.
func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	if c.User.PersonID == 0 {
		s.fail(w, r, errs.E(errs.Invalid, "您的账号没有关联人员,没有提醒"))
		return
	}
	if r.PostFormValue("all") == "1" {
		if _, err := notify.MarkAllRead(r.Context(), s.DB, c.User.PersonID); err != nil {
			s.fail(w, r, err)
			return
		}
		redirect(w, r, "/notifications", "updated")
		return
	}
	var ids []int64
	for _, v := range r.PostForm["id"] {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, errs.Field("id", "提醒编号无效"))
			return
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		s.fail(w, r, errs.Field("id", "请选择要标为已读的提醒"))
		return
	}
	if len(ids) > org.MaxPage {
		s.fail(w, r, errs.Field("id", "一次最多标记 "+strconv.Itoa(org.MaxPage)+" 条"))
		return
	}
	if _, err := notify.MarkRead(r.Context(), s.DB, c.User.PersonID, ids); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/notifications", "updated")
}

// channelKinds are the robot platforms in the order the form offers them.
var channelKinds = []notify.Kind{notify.DingTalk, notify.WeCom, notify.Feishu}

type channelForm struct {
	UnitID  int64
	Kind    string
	URL     string
	Enabled bool
}

type channelsData struct {
	Channels []notify.Channel
	Units    []org.Unit
	Kinds    []notify.Kind
	In       channelForm
}

func (s *Server) channelsView(r *http.Request, p org.Principal, in channelForm) (view, error) {
	list, err := notify.ListChannels(r.Context(), s.DB, p)
	if err != nil {
		return view{}, err
	}
	units, err := s.Org.AllUnits(r.Context(), p)
	if err != nil {
		return view{}, err
	}
	return view{Title: "群机器人", Active: "settings", Data: channelsData{Channels: list, Units: units, Kinds: channelKinds, In: in}}, nil
}

func (s *Server) channels(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	v, err := s.channelsView(r, p, channelForm{Kind: string(notify.DingTalk), Enabled: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "notification_channels", v)
}

// channelAdd records a robot. The secret is never sent back to the page, not even after an
// error: the administrator enters it again.
func (s *Server) channelAdd(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	in := channelForm{Kind: r.PostFormValue("kind"), URL: strings.TrimSpace(r.PostFormValue("url")), Enabled: r.PostFormValue("enabled") != ""}
	var err error
	if u := strings.TrimSpace(r.PostFormValue("unit_id")); u != "" {
		if in.UnitID, err = strconv.ParseInt(u, 10, 64); err != nil || in.UnitID < 0 {
			in.UnitID, err = 0, errs.Field("unit_id", "请选择所属单位")
		}
	}
	if err == nil {
		_, err = notify.AddChannel(r.Context(), s.DB, p, notify.ChannelInput{UnitID: in.UnitID, Kind: notify.Kind(in.Kind), URL: in.URL,
			Secret: r.PostFormValue("secret"), Enabled: in.Enabled})
	}
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			s.fail(w, r, err)
			return
		}
		v, verr := s.channelsView(r, p, in)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		v.Error, v.FieldErr = httpx.Message(err), fieldErrors(err)
		s.render(w, r, http.StatusBadRequest, "notification_channels", v)
		return
	}
	redirect(w, r, "/settings/channels", "created")
}

// fieldErrors maps every field err names, one or a list, to its message.
func fieldErrors(err error) map[string]string {
	out := map[string]string{}
	if l, ok := errs.ListOf(err); ok {
		for _, it := range l.Items {
			if _, seen := out[it.Field]; !seen && it.Field != "" {
				out[it.Field] = it.Msg
			}
		}
		return out
	}
	if f := httpx.Field(err); f != "" {
		out[f] = httpx.Message(err)
	}
	return out
}

func (s *Server) channelDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := notify.DeleteChannel(r.Context(), s.DB, p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/settings/channels", "deleted")
}
