package textsim

// t2sPairs maps frequent traditional characters to their simplified forms, two runes per pair
// (traditional, then simplified). It covers about 800 characters: general high-frequency ones plus
// the fire-rescue and office vocabulary (滅火, 監督檢查, 營區, 裝備, 報銷, 訓練, 簽到, 隱患 …),
// for names and descriptions written in Hong Kong, Macao or Taiwan style or pasted from old
// documents.
//
// It is deliberately small. Full OpenCC data (TSCharacters.txt plus its phrase tables) would be
// more complete and would resolve one-to-many cases by context. This table leaves out characters
// whose mapping depends on the word or that are ordinary simplified characters too (乾, 覆, 瞭,
// 藉, 著, 彷, 祇, 蘋 …), so simplified text is not changed; the exceptions are 於, 夥 and 徵,
// kept because traditional text uses them constantly (關於, 特徵) while simplified text uses them
// only in names and rare senses. The pairs follow the first candidate of OpenCC's
// TSCharacters.txt (checked by hand); every target is a GB2312 character (checked with
// golang.org/x/text), and TestT2STable checks that no target is itself a key, so folding is
// idempotent.
const t2sPairs = "" +
	// General high-frequency characters.
	"們们個个來来時时會会這这為为爲为對对說说説说國国學学過过還还進进發发後后從从開开當当" +
	"經经長长現现問问動动與与實实點点兩两間间體体關关種种無无樣样應应將将機机頭头見见覺觉" +
	"質质氣气電电產产産产處处員员萬万業业東东車车門门書书義义論论師师聲声讓让議议標标條条" +
	"總总區区報报務务數数據据統统計计資资訊讯網网絡络線线設设備备裝装單单隊队監监檢检査查" +
	"執执簽签籤签價价練练導导習习類类級级組组織织幹干黨党團团紀纪規规範范準准則则項项專专" +
	"養养護护維维運运營营倉仓儲储貨货費费帳帐賬账審审許许證证號号碼码掃扫擊击頁页選选擇择" +
	"輸输濾滤內内傳传遞递轉转佈布檔档辦办雲云話话視视頻频圖图寫写讀读語语請请調调態态題题" +
	"歷历曆历記记錄录録录劃划戰战災灾滅灭風风險险隱隐測测預预溫温濕湿燒烧煙烟輔辅決决終终" +
	"構构幫帮縣县鄉乡鎮镇歸归廣广華华陽阳陸陆邊边達达遠远錢钱銀银鐵铁銷销鍵键鎖锁鐘钟錯错" +
	"針针閉闭閱阅闖闯隨随際际陣阵階阶難难離离雙双雜杂雞鸡靜静響响順顺須须領领額额顯显願愿" +
	"飛飞飯饭館馆馬马驗验鬥斗魚鱼鳥鸟麗丽麥麦黃黄齊齐齡龄龍龙亂乱爭争於于並并嚴严圍围園园" +
	"圓圆場场壞坏壓压奮奋婦妇媽妈孫孙寧宁寶宝屬属層层島岛嶺岭幣币庫库廠厂廳厅張张強强彈弹" +
	"徑径復复複复徹彻懷怀憲宪懲惩戶户掛挂換换揚扬擁拥擔担攝摄敗败敵敌斷断曉晓樓楼樂乐樹树" +
	"橋桥權权歡欢歲岁殘残殺杀沒没況况淨净減减溝沟滿满漢汉潔洁濟济灣湾烏乌煉炼熱热燈灯爾尔" +
	"牆墙獎奖獨独獲获環环畢毕畫画異异療疗盡尽儘尽盤盘眾众衆众確确礎础禮礼禦御稅税稱称穩稳" +
	"窮穷競竞筆笔節节築筑簡简籌筹糧粮約约紅红納纳紙纸紛纷細细結结絕绝給给絲丝綜综綠绿緊紧" +
	"編编緣缘績绩繩绳繼继續续罰罚羅罗職职聯联聽听聞闻腦脑臨临興兴舉举舊旧藝艺藥药蘇苏蘭兰" +
	"蟲虫補补製制規规親亲觀观觸触訂订討讨訓训訪访許许訴诉診诊詞词試试該该詳详認认誤误誰谁" +
	"課课談谈諮咨詢询講讲謝谢識识譯译變变貝贝負负財财責责販贩貧贫貴贵買买貸贷貿贸賀贺賓宾" +
	"賞赏賣卖質质購购贊赞讚赞趕赶趨趋跡迹蹤踪軍军軟软較较載载輕轻輛辆輪轮農农連连週周遊游" +
	"運运違违適适遺遗醫医釋释鋼钢鏈链閃闪陳陈雖虽霧雾靈灵韓韩順顺顏颜顧顾飲饮餘余髮发鬆松" +
	"鳳凤麼么齒齿龜龟億亿優优儀仪傷伤債债傑杰偉伟側侧僅仅兒儿冊册凍冻別别刪删剛刚創创劇剧" +
	"劉刘劑剂勁劲勞劳勢势勵励勸劝匯汇彙汇協协卻却參参叢丛吳吴啟启喚唤嗎吗團团堅坚塊块塵尘" +
	"墊垫壇坛壯壮壽寿夠够夢梦夥伙奪夺娛娱嬰婴寬宽尋寻屆届峽峡崗岗幾几廢废廟庙彎弯徵征憶忆" +
	"戲戏擴扩擬拟擾扰攔拦攜携敘叙暫暂極极槍枪樞枢櫃柜欄栏歐欧殼壳湧涌滯滞漁渔潛潜澤泽濃浓" +
	"濱滨灑洒煩烦犧牺狀状獄狱獻献瑣琐畝亩疊叠瘋疯盜盗礦矿禍祸積积穀谷竄窜籃篮紐纽紡纺紮扎" +
	"綁绑綱纲緒绪締缔縮缩纖纤罷罢聖圣聰聪肅肃脅胁脫脱腳脚膚肤膽胆臉脸臺台颱台檯台艦舰艱艰" +
	"葉叶蓋盖薦荐藍蓝虧亏衛卫衝冲裡里裏里襲袭覽览誌志誇夸豐丰豬猪賴赖賽赛贏赢趙赵踐践躍跃" +
	"軌轨輯辑轄辖辭辞辯辩邏逻郵邮鄰邻閘闸闆板闊阔隻只頂顶頓顿頒颁顆颗飄飘饋馈驅驱騰腾鬧闹" +
	"鮮鲜鳴鸣鹽盐麵面麪面" +
	// Office, fire-rescue and government vocabulary not covered above.
	"揮挥駕驾駛驶駐驻險险災灾採采鑑鉴鑒鉴榮荣譽誉頌颂評评貼贴領领撥拨衛卫參参講讲勳勋" +
	"搶抢屍尸傭佣罵骂賠赔錶表鐘钟閒闲閑闲陰阴隸隶雜杂靂雳韌韧頸颈颳刮餵喂騎骑驟骤鬍胡" +
	"繫系係系聯联擬拟擱搁攤摊攪搅撲扑撿捡擋挡據据擠挤擺摆攏拢撐撑撫抚撈捞摟搂" +
	"紹绍經经綫线緩缓緯纬縫缝縱纵繞绕繪绘繳缴纜缆絡络" +
	"醞酝鄭郑鄧邓蔣蒋蕭萧薩萨" +
	"噸吨嚇吓囑嘱嘆叹嘗尝嘯啸噴喷" +
	"礙碍確确磚砖碩硕礎础" +
	"燦灿燭烛爐炉爛烂爺爷牽牵犢犊狹狭猶犹獅狮獸兽" +
	"瘡疮癒愈癢痒癱瘫盞盏盧卢眥眦睏困瞞瞒矯矫" +
	"硃朱祿禄禪禅禱祷禿秃稟禀穎颖窩窝窪洼窯窑竅窍竇窦竊窃" +
	"筍笋箏筝簾帘籠笼籬篱粵粤糞粪糾纠紀纪紋纹純纯紗纱級级" +
	"遲迟遷迁選选遼辽邁迈邇迩鄉乡醜丑釀酿釘钉鈴铃鉛铅銅铜鋁铝鋪铺鋒锋錦锦鍋锅鍛锻鎊镑" +
	"鏡镜鑄铸鑰钥長长閃闪閣阁閥阀闡阐陝陕陣阵隕陨隴陇雛雏雲云靄霭鞏巩韋韦韻韵" +
	"頃顷預预頑顽頗颇頰颊頻频顛颠顫颤飼饲飽饱飾饰餃饺餅饼餓饿館馆饅馒馮冯馳驰馴驯" +
	"駁驳駝驼駿骏騙骗騷骚驕骄驚惊驢驴髒脏體体鬱郁魯鲁鯨鲸鳩鸠鴨鸭鴻鸿鵝鹅鶴鹤鷹鹰麗丽" +
	"點点黴霉齣出"
