package demo

import "slices"

// GroupMembers builds the inventory for opt in memory, as Plan does, and returns the live groups'
// codes and their member sets, so that an overlap finder can be measured against Truth.DupGroups
// and Truth.NearMissGroups without a database. Members are people by index; each outsider gets
// an id of its own after the last person (outsiders have unique names, so they add to a group's
// size but are never shared), which is how the truth counts them. Each set is sorted ascending.
func GroupMembers(opt Options) (codes []string, members [][]int32, err error) {
	b, err := generate(opt.Preset, opt.Seed)
	if err != nil {
		return nil, nil, err
	}
	inv, err := b.genInventory()
	if err != nil {
		return nil, nil, err
	}
	next := int32(len(b.people))
	for _, g := range inv.groups {
		if g.Status != "active" && g.Status != "rectifying" {
			continue
		}
		set := make([]int32, 0, len(g.Members)+len(g.Externals))
		set = append(set, g.Members...)
		for range g.Externals {
			set = append(set, next)
			next++
		}
		slices.Sort(set)
		codes = append(codes, g.Code)
		members = append(members, set)
	}
	return codes, members, nil
}
