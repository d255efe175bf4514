package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Note is one supervision note (督导记录) the office made about a unit during a campaign.
type Note struct {
	ID         int64     `json:"id"`
	CampaignID int64     `json:"campaign_id"`
	UnitID     int64     `json:"unit_id"`
	UnitName   string    `json:"unit_name"`
	Date       time.Time `json:"date"` // the day of the supervision visit or call
	Text       string    `json:"text"`
	FollowUp   string    `json:"follow_up"` // what the unit is to do next (整改要求、跟进情况)
	Author     string    `json:"author"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// NoteInput is what the office writes in a note.
type NoteInput struct {
	UnitID   int64     `json:"unit_id"`
	Date     time.Time `json:"date"`
	Text     string    `json:"text"`
	FollowUp string    `json:"follow_up"`
}

func (in *NoteInput) validate() error {
	in.Text, in.FollowUp = strings.TrimSpace(in.Text), strings.TrimSpace(in.FollowUp)
	if in.Date.IsZero() {
		return errs.Field("date", "督导日期不能为空")
	}
	in.Date = Day(in.Date)
	if y := in.Date.Year(); y < 2000 || y > 2100 {
		return errs.Field("date", "督导日期应在 2000 至 2100 年之间")
	}
	if err := checkBody("text", "督导情况", in.Text, true, 5000); err != nil {
		return err
	}
	return checkBody("follow_up", "跟进要求", in.FollowUp, false, 2000)
}

const noteCols = `n.id, n.campaign_id, n.unit_id, u.name, n.noted_on, n.text, n.follow_up, n.author, n.created_at, n.updated_at`
const noteFrom = ` FROM campaign_notes n JOIN units u ON u.id = n.unit_id`

func scanNote(sc interface{ Scan(...any) error }) (Note, error) {
	var n Note
	err := sc.Scan(&n.ID, &n.CampaignID, &n.UnitID, &n.UnitName, &n.Date, &n.Text, &n.FollowUp, &n.Author, &n.CreatedAt, &n.UpdatedAt)
	n.Date = Day(n.Date.UTC())
	n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	return n, err
}

func getNote(ctx context.Context, q store.Querier, p org.Principal, id int64) (Note, error) {
	w := &store.Where{}
	w.Add("n.id = ?", id)
	p.Scope.Filter(w, "u.path")
	n, err := scanNote(q.QueryRowContext(ctx, `SELECT `+noteCols+noteFrom+w.String(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return n, errs.E(errs.NotFound, "督导记录不存在或不在您的管辖范围内")
	}
	if err != nil {
		return n, fmt.Errorf("campaign: read note %d: %w", id, err)
	}
	return n, nil
}

// AddNote records a supervision note about a unit under the campaign's unit.
func (s *Store) AddNote(ctx context.Context, p org.Principal, campaignID int64, in NoteInput) (Note, error) {
	if err := requireManager(p); err != nil {
		return Note{}, err
	}
	if err := in.validate(); err != nil {
		return Note{}, err
	}
	var n Note
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := getCampaign(ctx, tx, p, campaignID)
		if err != nil {
			return err
		}
		u, err := checkUnit(ctx, tx, p, "unit_id", in.UnitID)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(u.Path, c.UnitPath) {
			return errs.Field("unit_id", u.Name+"不在本次专项行动的范围内")
		}
		now := s.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO campaign_notes (campaign_id, unit_id, noted_on, text, follow_up, author_id, author, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, campaignID, u.ID, in.Date, in.Text, in.FollowUp, store.NullID(p.UserID), p.Name, now).Scan(&id); err != nil {
			return fmt.Errorf("campaign: insert note: %w", err)
		}
		if n, err = getNote(ctx, tx, p, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "create", "campaign_note", fmt.Sprint(id), nil, n)
	})
	return n, err
}

// UpdateNote changes the date, text and follow-up of note id of campaign campaignID (the unit
// stays). A note outside the caller's scope, or of another campaign, is not found; one found is
// for those who run campaigns to change.
func (s *Store) UpdateNote(ctx context.Context, p org.Principal, campaignID, id int64, in NoteInput) (Note, error) {
	var n Note
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		before, err := getNote(ctx, tx, p, id)
		if err == nil && before.CampaignID != campaignID {
			err = errs.E(errs.NotFound, "督导记录不存在或不在您的管辖范围内")
		}
		if err != nil {
			return err
		}
		if err := requireManager(p); err != nil {
			return err
		}
		in.UnitID = before.UnitID
		if err := in.validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE campaign_notes SET noted_on = $1, text = $2, follow_up = $3, updated_at = $4 WHERE id = $5`,
			in.Date, in.Text, in.FollowUp, s.now(), id); err != nil {
			return fmt.Errorf("campaign: update note %d: %w", id, err)
		}
		if n, err = getNote(ctx, tx, p, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "update", "campaign_note", fmt.Sprint(id), before, n)
	})
	return n, err
}

// Notes lists a campaign's supervision notes in the caller's scope, newest first; unitID > 0
// limits them to that one unit.
func (s *Store) Notes(ctx context.Context, p org.Principal, campaignID, unitID int64) ([]Note, error) {
	if _, err := getCampaign(ctx, s.DB, p, campaignID); err != nil {
		return nil, err
	}
	w := &store.Where{}
	w.Add("n.campaign_id = ?", campaignID)
	if unitID > 0 {
		w.Add("n.unit_id = ?", unitID)
	}
	p.Scope.Filter(w, "u.path")
	rows, err := s.DB.QueryContext(ctx, `SELECT `+noteCols+noteFrom+w.String()+` ORDER BY n.noted_on DESC, n.id DESC`, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: list notes: %w", err)
	}
	defer rows.Close()
	out := []Note{}
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, fmt.Errorf("campaign: list notes: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: list notes: %w", err)
	}
	return out, nil
}
