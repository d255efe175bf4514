package demo

import (
	"slices"
	"sort"

	"github.com/jianfu-gov/jianfu/internal/org"
)

// Truth is what the demo planted in the inventory, for tests that measure the rules' precision
// and recall. Everything is named by asset code (APP-0001, ACC-0001, GRP-000001) and 工号, lists
// are sorted, and only live assets (在用) are listed: retired ones are history, which rules must
// ignore.
//
// Each list is exact for the stored data as of ReferenceDate, not merely "what was planted": it is
// computed from the generated inventory by the rule's definition in reference/rules.md, and the
// generator keeps ordinary assets clear of those definitions (recent posts, filing numbers, no
// accidental overlaps …), so a rule that fires on anything not listed is a false positive. The
// exceptions are the candidates that need activity (IdleGroups, LowUseApps), which list what the
// activity generator is to make idle or unused, and the similarity clusters (SimilarApps), which
// are the copies of one app concept: apps of different concepts share no function and no form.
type Truth struct {
	// APP-SIMILAR: clusters of near-duplicate apps, each built by different units (copies of one
	// function under other names and wording, with overlapping forms; some copy the function list
	// word for word).
	SimilarApps [][]string
	// APP-FORCED: apps with forced-use features (打卡签到, 积分排名, 在线时长, forced uploads …) that
	// are not marked 安保/应急.
	ForcedApps []string
	// APP-UPLOADS: the ForcedApps whose features include forced uploads of photos, video or
	// location.
	UploadApps []string
	// Apps with forced-use features that are exempt because they are marked 安保/应急.
	ExemptApps []string
	// APP-NOFEEDBACK: no complaint or suggestion channel.
	NoFeedbackApps []string
	// APP-LEVEL: built by a 大队 or 站.
	LowLevelApps []string
	// APP-MLPS: 等保 level 3 not assessed in the year before ReferenceDate (or never), level 4 not
	// in the last 182 days.
	MLPSOverdueApps []string
	// APP-REPEATFORMS: every form asked for by more than one live app, and the apps asking.
	RepeatForms map[string][]string
	// APP-LOWUSE candidates: apps with a large target population that activity will leave unused.
	LowUseApps []string

	// ACC-DUP: accounts of one unit on one platform, per unit and platform.
	DupAccounts [][]string
	// ACC-SIMILAR: themed accounts of one topic on one platform opened by different units, each
	// worded in its own way.
	SimilarAccounts [][]string
	// ACC-STALE: last post 15–59 days before ReferenceDate. Zombies are not repeated here, though
	// ACC-STALE fires on them too.
	StaleAccounts []string
	// ACC-ZOMBIE: no post for 60 days or more, or never.
	ZombieAccounts []string
	// ACC-NOINTERACT: comments and messages off.
	NoInteractAccounts []string
	// ACC-FILING: no filing number.
	UnfiledAccounts []string
	// ACC-MISMATCH: the registered operator is not the owning unit's name.
	MismatchAccounts []string
	// ACC-LOWUSE: followers below a tenth of the median of their peers (same platform, same
	// level of unit, at least five live accounts). Ordinary accounts stay above three tenths.
	LowUseAccounts []string

	// GRP-DUP: clusters of live groups whose members overlap at Jaccard ≥ 0.8 or containment ≥ 0.9
	// (members are people and outsiders by name; containment is the shared members over the
	// smaller group). Every such pair lies within one cluster, and every cluster is connected by
	// such pairs.
	DupGroups [][]string
	// Pairs of groups that look alike but stay under both thresholds (Jaccard 0.6–0.75,
	// containment ≤ 0.89): GRP-DUP must not report them.
	NearMissGroups [][]string
	// GRP-NOOWNER: no owner (群主) recorded.
	NoOwnerGroups []string
	// GRP-TEMP: temporary groups whose task ended before ReferenceDate.
	ExpiredTempGroups []string
	// GRP-UNFILED: no approval or filing reference.
	UnfiledGroups []string
	// GRP-IDLE candidates: groups the activity generator is to leave without messages.
	IdleGroups []string
	// Groups whose owner has left the organisation (status 已调离).
	LeftOwnerGroups []string
	// Members who have left but are still in the group: group code → 工号.
	LeftMembers map[string][]string
	// Outsiders in the group (members without a 工号): group code → names.
	ExternalMembers map[string][]string
}

// computeTruth derives the truth from the generated inventory.
func (inv *inventory) computeTruth(b *bureau) *Truth {
	t := &Truth{RepeatForms: map[string][]string{}, LeftMembers: map[string][]string{}, ExternalMembers: map[string][]string{}}
	live := func(status string) bool { return status == "active" || status == "rectifying" }

	// Apps.
	year := ReferenceDate.AddDate(-1, 0, 0)
	half := ReferenceDate.AddDate(0, 0, -182)
	for _, a := range inv.apps {
		if !live(a.Status) {
			continue
		}
		if len(a.Features) > 0 {
			if a.Emergency {
				t.ExemptApps = append(t.ExemptApps, a.Code)
			} else {
				t.ForcedApps = append(t.ForcedApps, a.Code)
				for _, f := range a.Features {
					if f == "upload_photo" || f == "upload_video" || f == "upload_location" {
						t.UploadApps = append(t.UploadApps, a.Code)
						break
					}
				}
			}
		}
		if !a.Feedback {
			t.NoFeedbackApps = append(t.NoFeedbackApps, a.Code)
		}
		if k := b.units[a.Unit].Kind; k == org.Brigade || k == org.Station {
			t.LowLevelApps = append(t.LowLevelApps, a.Code)
		}
		if a.MLPS == 3 && (a.Assessed.IsZero() || a.Assessed.Before(year)) ||
			a.MLPS == 4 && (a.Assessed.IsZero() || a.Assessed.Before(half)) {
			t.MLPSOverdueApps = append(t.MLPSOverdueApps, a.Code)
		}
		for _, f := range a.Forms {
			t.RepeatForms[f] = append(t.RepeatForms[f], a.Code)
		}
		if a.lowUse {
			t.LowUseApps = append(t.LowUseApps, a.Code)
		}
	}
	for f, apps := range t.RepeatForms {
		if len(apps) < 2 {
			delete(t.RepeatForms, f)
		} else {
			slices.Sort(apps)
		}
	}
	for _, set := range inv.similar {
		var codes []string
		for _, i := range set {
			if live(inv.apps[i].Status) {
				codes = append(codes, inv.apps[i].Code)
			}
		}
		if len(codes) >= 2 {
			slices.Sort(codes)
			t.SimilarApps = append(t.SimilarApps, codes)
		}
	}

	// Accounts.
	type key struct {
		unit     int
		platform string
	}
	byUnit := map[key][]string{}
	type peerKey struct {
		kind     org.UnitKind
		platform string
	}
	peers := map[peerKey][]int{}
	for _, a := range inv.accounts {
		if !live(a.Status) {
			continue
		}
		k := key{a.Unit, a.Platform}
		byUnit[k] = append(byUnit[k], a.Code)
		pk := peerKey{b.units[a.Unit].Kind, a.Platform}
		peers[pk] = append(peers[pk], a.Followers)
		days := -1
		if !a.LastPost.IsZero() {
			days = int(ReferenceDate.Sub(a.LastPost).Hours() / 24)
		}
		switch {
		case days < 0 || days >= 60:
			t.ZombieAccounts = append(t.ZombieAccounts, a.Code)
		case days >= 15:
			t.StaleAccounts = append(t.StaleAccounts, a.Code)
		}
		if !a.Interaction {
			t.NoInteractAccounts = append(t.NoInteractAccounts, a.Code)
		}
		if a.Filing == "" {
			t.UnfiledAccounts = append(t.UnfiledAccounts, a.Code)
		}
		if a.Operator != b.units[a.Unit].Name {
			t.MismatchAccounts = append(t.MismatchAccounts, a.Code)
		}
	}
	for _, codes := range byUnit {
		if len(codes) > 1 {
			slices.Sort(codes)
			t.DupAccounts = append(t.DupAccounts, codes)
		}
	}
	type topicKey struct {
		topic    int
		platform string
	}
	byTopic := map[topicKey][]string{}
	for _, a := range inv.accounts {
		if a.topic > 0 && live(a.Status) {
			byTopic[topicKey{a.topic, a.Platform}] = append(byTopic[topicKey{a.topic, a.Platform}], a.Code)
		}
	}
	for _, codes := range byTopic {
		if len(codes) > 1 {
			slices.Sort(codes)
			t.SimilarAccounts = append(t.SimilarAccounts, codes)
		}
	}
	medians := map[peerKey]float64{}
	for pk, f := range peers {
		if len(f) >= 5 {
			medians[pk] = median(f)
		}
	}
	for _, a := range inv.accounts {
		m, ok := medians[peerKey{b.units[a.Unit].Kind, a.Platform}]
		if live(a.Status) && ok && float64(a.Followers) < m/10 {
			t.LowUseAccounts = append(t.LowUseAccounts, a.Code)
		}
	}

	// Groups.
	for _, set := range inv.dupSets {
		var codes []string
		for _, i := range set {
			codes = append(codes, inv.groups[i].Code)
		}
		slices.Sort(codes)
		t.DupGroups = append(t.DupGroups, codes)
	}
	for _, pr := range inv.nearMiss {
		t.NearMissGroups = append(t.NearMissGroups, []string{inv.groups[pr[0]].Code, inv.groups[pr[1]].Code})
	}
	for _, g := range inv.groups {
		if !live(g.Status) {
			continue
		}
		if g.Owner < 0 {
			t.NoOwnerGroups = append(t.NoOwnerGroups, g.Code)
		} else if b.people[g.Owner].Status == org.Left {
			t.LeftOwnerGroups = append(t.LeftOwnerGroups, g.Code)
		}
		if g.Temporary && g.TaskEnd.Before(ReferenceDate) {
			t.ExpiredTempGroups = append(t.ExpiredTempGroups, g.Code)
		}
		if g.Approval == "" {
			t.UnfiledGroups = append(t.UnfiledGroups, g.Code)
		}
		if g.idle {
			t.IdleGroups = append(t.IdleGroups, g.Code)
		}
		for _, p := range g.Members {
			if b.people[p].Status == org.Left {
				t.LeftMembers[g.Code] = append(t.LeftMembers[g.Code], b.people[p].Code)
			}
		}
		slices.Sort(t.LeftMembers[g.Code])
		if len(g.Externals) > 0 {
			t.ExternalMembers[g.Code] = slices.Sorted(slices.Values(g.Externals))
		}
	}

	for _, l := range [][]string{t.ForcedApps, t.UploadApps, t.ExemptApps, t.NoFeedbackApps, t.LowLevelApps, t.MLPSOverdueApps,
		t.LowUseApps, t.StaleAccounts, t.ZombieAccounts, t.NoInteractAccounts, t.UnfiledAccounts, t.MismatchAccounts,
		t.LowUseAccounts, t.NoOwnerGroups, t.ExpiredTempGroups, t.UnfiledGroups, t.IdleGroups, t.LeftOwnerGroups} {
		slices.Sort(l)
	}
	for _, l := range [][][]string{t.SimilarApps, t.SimilarAccounts, t.DupAccounts, t.DupGroups, t.NearMissGroups} {
		sort.Slice(l, func(i, j int) bool { return l[i][0] < l[j][0] })
	}
	return t
}

func median(v []int) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}
