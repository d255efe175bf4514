package demo

// The demo bureau is Sichuan's: real prefecture-level cities (市、州) and their real districts,
// counties and county-level cities, so that the tree reads like a real 总队 to anyone who knows
// the province. Station names are invented from common street and town names.

// province is the root unit.
var province = struct {
	Name, Code, CodePrefix string
}{Name: "四川省消防救援总队", Code: "SC", CodePrefix: "51"}

// department is a 处室 of the 总队 or a 科室 of a 支队.
type department struct {
	Code string // code suffix: SC-BGS, SC-CD-BGS
	Name string
	Head string // the head's post; the deputy is "副"+Head
}

// Department codes that the demo logins and later generators look up.
const (
	deptOffice = "BGS"  // 办公室: leads work groups, hosts the campaign office
	deptIT     = "XXTX" // 信息通信处: leads apps
	deptNews   = "XWXC" // 新闻宣传处: leads public accounts
	deptLegal  = "FG"   // 法工处: supports
)

// departments are the 总队's 处室: the seed plan names the first seven (three lead, four support);
// the rest are departments every 总队 has.
var departments = []department{
	{deptOffice, "办公室", "主任"},
	{deptIT, "信息通信处", "处长"},
	{deptNews, "新闻宣传处", "处长"},
	{deptLegal, "法工处", "处长"},
	{"ZZJY", "组织教育处", "处长"},
	{"DW", "队务处", "处长"},
	{"CW", "财务处", "处长"},
	{"FHJD", "防火监督处", "处长"},
	{"ZZXL", "作战训练处", "处长"},
	{"HQZB", "后勤装备处", "处长"},
}

// sections are a 支队's 科室, in the order presets take them.
var sections = []department{
	{"BGS", "办公室", "主任"},
	{"ZZXL", "作战训练科", "科长"},
	{"FHJD", "防火监督科", "科长"},
	{"ZZJY", "组织教育科", "科长"},
	{"HQZB", "后勤装备科", "科长"},
	{"XXTX", "信息通信科", "科长"},
}

// city is a prefecture-level division and so a 支队.
type city struct {
	Code     string   // SC-CD
	Name     string   // as in the detachment's name: 成都市, 阿坝州
	Counties []string // districts, counties and county-level cities, official order
}

// cities lists Sichuan's 21 prefecture-level divisions (18 cities, 3 autonomous prefectures) and
// their 183 county-level divisions.
var cities = []city{
	{"CD", "成都市", []string{"锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "青白江区", "新都区", "温江区", "双流区",
		"郫都区", "新津区", "金堂县", "大邑县", "蒲江县", "都江堰市", "彭州市", "邛崃市", "崇州市", "简阳市"}},
	{"ZG", "自贡市", []string{"自流井区", "贡井区", "大安区", "沿滩区", "荣县", "富顺县"}},
	{"PZH", "攀枝花市", []string{"东区", "西区", "仁和区", "米易县", "盐边县"}},
	{"LZ", "泸州市", []string{"江阳区", "纳溪区", "龙马潭区", "泸县", "合江县", "叙永县", "古蔺县"}},
	{"DY", "德阳市", []string{"旌阳区", "罗江区", "中江县", "广汉市", "什邡市", "绵竹市"}},
	{"MY", "绵阳市", []string{"涪城区", "游仙区", "安州区", "三台县", "盐亭县", "梓潼县", "北川羌族自治县", "平武县", "江油市"}},
	{"GY", "广元市", []string{"利州区", "昭化区", "朝天区", "旺苍县", "青川县", "剑阁县", "苍溪县"}},
	{"SN", "遂宁市", []string{"船山区", "安居区", "蓬溪县", "大英县", "射洪市"}},
	{"NJ", "内江市", []string{"市中区", "东兴区", "威远县", "资中县", "隆昌市"}},
	{"LS", "乐山市", []string{"市中区", "沙湾区", "五通桥区", "金口河区", "犍为县", "井研县", "夹江县", "沐川县",
		"峨边彝族自治县", "马边彝族自治县", "峨眉山市"}},
	{"NC", "南充市", []string{"顺庆区", "高坪区", "嘉陵区", "南部县", "营山县", "蓬安县", "仪陇县", "西充县", "阆中市"}},
	{"MS", "眉山市", []string{"东坡区", "彭山区", "仁寿县", "洪雅县", "丹棱县", "青神县"}},
	{"YB", "宜宾市", []string{"翠屏区", "南溪区", "叙州区", "江安县", "长宁县", "高县", "珙县", "筠连县", "兴文县", "屏山县"}},
	{"GA", "广安市", []string{"广安区", "前锋区", "岳池县", "武胜县", "邻水县", "华蓥市"}},
	{"DZ", "达州市", []string{"通川区", "达川区", "宣汉县", "开江县", "大竹县", "渠县", "万源市"}},
	{"YA", "雅安市", []string{"雨城区", "名山区", "荥经县", "汉源县", "石棉县", "天全县", "芦山县", "宝兴县"}},
	{"BZ", "巴中市", []string{"巴州区", "恩阳区", "通江县", "南江县", "平昌县"}},
	{"ZY", "资阳市", []string{"雁江区", "安岳县", "乐至县"}},
	{"AB", "阿坝州", []string{"马尔康市", "汶川县", "理县", "茂县", "松潘县", "九寨沟县", "金川县", "小金县", "黑水县",
		"壤塘县", "阿坝县", "若尔盖县", "红原县"}},
	{"GZ", "甘孜州", []string{"康定市", "泸定县", "丹巴县", "九龙县", "雅江县", "道孚县", "炉霍县", "甘孜县", "新龙县",
		"德格县", "白玉县", "石渠县", "色达县", "理塘县", "巴塘县", "乡城县", "稻城县", "得荣县"}},
	{"LSZ", "凉山州", []string{"西昌市", "会理市", "木里藏族自治县", "盐源县", "德昌县", "会东县", "宁南县", "普格县", "布拖县",
		"金阳县", "昭觉县", "喜德县", "冕宁县", "越西县", "甘洛县", "美姑县", "雷波县"}},
}

// stationPlaces are the street, square and town names stations take, as real stations are named
// after where they stand (春熙路消防救援站). A brigade draws its stations' names from this list
// without repeats, so it must be longer than the most stations any preset puts in one brigade.
var stationPlaces = []string{
	"春熙路", "红牌楼", "九眼桥", "驷马桥", "营门口", "沙河堡", "磨子桥", "双楠", "抚琴", "火车北站",
	"人民路", "解放路", "建设路", "新华路", "中山路", "滨江路", "文化路", "和平街", "胜利路", "东风路",
	"光华", "金沙", "龙潭", "双桥子", "白果林", "桂花巷", "青龙场", "白马寺", "石桥铺", "长安",
	"城北", "城南", "城东", "城西", "河东", "河西", "江北", "江南", "新城", "老城",
	"太平", "永兴", "安仁", "新场", "花园", "三星", "白鹤", "石板滩", "黄龙溪", "柳街",
	"五里墩", "十里店", "八里桥", "三岔口", "二仙桥", "万安", "兴隆", "大观", "凤凰山", "龙泉",
	"天府", "高新", "临港", "工业园", "开发区", "物流园", "高铁站", "机场路", "体育场", "会展中心",
	"西门", "东门", "南门", "北门", "柳城", "永安", "永宁", "安居", "复兴", "新民",
	"红星", "红旗", "朝阳", "向阳", "金桥", "银杏", "樟木", "竹林", "松林", "桃源",
	"杨柳", "青杠", "黄桷", "双河", "三江", "清溪", "平乐", "古城", "新街", "老街",
	"望江", "锦城", "玉林", "芳草", "府河", "南河", "北湖", "东湖", "西湖", "翠屏",
	"观音桥", "回龙", "石羊", "牛市口", "盐市口", "骡马市", "草堂", "浣花", "杜甫", "武侯祠",
}
