package demo

import (
	"math/rand/v2"
	"slices"
)

// surnames are the most common Chinese surnames with their share of the population in basis
// points (0.01%), after the 2020 census, nudged toward Sichuan (罗, 邓, 何, 唐, 曾 are more common
// there). Weighting matters: a demo where 欧阳 is as frequent as 王 looks fake at a glance.
var surnames = []struct {
	Name   string
	Weight int
}{
	{"王", 712}, {"李", 700}, {"张", 674}, {"刘", 510}, {"陈", 461}, {"杨", 322}, {"黄", 245}, {"赵", 219},
	{"吴", 200}, {"周", 195}, {"徐", 145}, {"孙", 138}, {"马", 129}, {"朱", 128}, {"胡", 116}, {"郭", 113},
	{"何", 130}, {"林", 80}, {"高", 100}, {"罗", 120}, {"郑", 81}, {"梁", 80}, {"谢", 75}, {"宋", 60},
	{"唐", 75}, {"许", 60}, {"韩", 58}, {"冯", 55}, {"邓", 75}, {"曹", 53}, {"彭", 60}, {"曾", 60},
	{"肖", 55}, {"田", 52}, {"董", 50}, {"袁", 50}, {"潘", 45}, {"于", 45}, {"蒋", 50}, {"蔡", 43},
	{"余", 48}, {"杜", 45}, {"叶", 40}, {"程", 40}, {"苏", 38}, {"魏", 37}, {"吕", 36}, {"丁", 35},
	{"任", 40}, {"沈", 32}, {"姚", 32}, {"卢", 31}, {"姜", 30}, {"崔", 28}, {"钟", 30}, {"谭", 33},
	{"陆", 26}, {"汪", 26}, {"范", 26}, {"金", 25}, {"石", 25}, {"廖", 30}, {"贾", 23}, {"夏", 23},
	{"付", 25}, {"方", 22}, {"白", 20}, {"邹", 22}, {"孟", 20}, {"熊", 24}, {"秦", 18}, {"邱", 20},
	{"江", 19}, {"尹", 18}, {"薛", 17}, {"闫", 17}, {"段", 17}, {"雷", 20}, {"侯", 16}, {"龙", 17},
	{"史", 15}, {"陶", 15}, {"黎", 14}, {"贺", 14}, {"顾", 13}, {"毛", 13}, {"郝", 13}, {"龚", 14},
	{"邵", 12}, {"万", 12}, {"严", 11}, {"向", 14}, {"文", 11}, {"母", 4}, {"苟", 5}, {"敬", 3},
}

// Given names: a character from first, then one from second, or a single character from single.
// Men's and women's lists differ because the service is mostly men and the names show it.
var (
	maleFirst  = []rune("志建文家子俊浩宇思天明晓永国海小中宏德正雨嘉博振世一春立兴红长庆云光成")
	maleSecond = []rune("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳亮成东文博峰晨洋毅锋林川江")
	maleSingle = []rune("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊旭龙亮峰毅川")

	femaleFirst  = []rune("晓小雨思佳欣春秀丽雅文嘉梦诗子玉")
	femaleSecond = []rune("丽静敏燕艳娟霞芳婷雪琳欣颖倩玉梅慧莉晶佳怡萍")
	femaleSingle = []rune("丽静敏燕艳娟霞芳婷雪琳颖倩梅慧莉晶萍")
)

// namer draws plausible names. It precomputes the cumulative surname weights once.
type namer struct {
	cum   []int
	total int
}

func newNamer() *namer {
	n := &namer{}
	for _, s := range surnames {
		n.total += s.Weight
		n.cum = append(n.cum, n.total)
	}
	return n
}

// name returns a full name: a weighted surname and a one- or two-character given name (about a
// quarter of people have one character, as in the generation now serving).
func (n *namer) name(r *rand.Rand, female bool) string {
	x := r.IntN(n.total)
	// The first cumulative weight above x picks the surname.
	i, _ := slices.BinarySearch(n.cum, x+1)
	first, second, single := maleFirst, maleSecond, maleSingle
	if female {
		first, second, single = femaleFirst, femaleSecond, femaleSingle
	}
	s := surnames[i].Name
	if r.IntN(4) == 0 {
		return s + string(single[r.IntN(len(single))])
	}
	return s + string(first[r.IntN(len(first))]) + string(second[r.IntN(len(second))])
}

// Posts by unit kind. Leaders come first, in rank order; the rest of a unit draws from its pool.
// Desk posts (文员, 干事, 科员, 通信员) are where the service's civilian and female staff mostly are.
var (
	corpsLeaders      = []string{"总队长", "政治委员", "副总队长", "副总队长", "副政治委员"}
	detachmentLeaders = []string{"支队长", "政治委员", "副支队长", "副支队长"}
	deptPool          = []string{"一级主任科员", "科员", "参谋", "干事", "参谋", "科员"}
	sectionPool       = []string{"科员", "参谋", "干事", "参谋"}
	brigadeLeaders    = []string{"大队长", "教导员", "副大队长"}
	brigadePool       = []string{"参谋", "防火监督员", "防火监督员", "宣传员", "文员"}
	stationLeaders    = []string{"站长", "指导员"}
)

var deskPosts = map[string]bool{"文员": true, "干事": true, "科员": true, "通信员": true, "宣传员": true, "一级主任科员": true}

// femaleShare is the chance, in percent, that the holder of a post is a woman.
func femaleShare(post string) int {
	if deskPosts[post] {
		return 35
	}
	return 3
}

// stationPosts fills a station of n people: two leaders, a deputy in bigger stations, about one
// 班长 and one 驾驶员 per five or six people, one 通信员, and 消防员 for the rest.
func stationPosts(r *rand.Rand, n int) []string {
	posts := append([]string(nil), stationLeaders...)
	if n >= 10 {
		posts = append(posts, "副站长")
	}
	for range max(1, n/6) {
		posts = append(posts, "班长")
	}
	for range max(1, n/5) {
		posts = append(posts, "驾驶员")
	}
	posts = append(posts, "通信员")
	for len(posts) < n {
		if r.IntN(10) == 0 {
			posts = append(posts, "战斗员")
		} else {
			posts = append(posts, "消防员")
		}
	}
	return posts[:n]
}

// staffPosts fills a unit of n people from its leaders and then its pool.
func staffPosts(r *rand.Rand, n int, leaders, pool []string) []string {
	posts := make([]string, 0, n)
	for i := 0; i < n && i < len(leaders); i++ {
		posts = append(posts, leaders[i])
	}
	for len(posts) < n {
		posts = append(posts, pool[r.IntN(len(pool))])
	}
	return posts
}
