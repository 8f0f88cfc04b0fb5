package check

// A Stage says what a code's check needs, and so what must have passed before it runs: a check
// never runs on input that already failed, so that a cadre sees a cause once and not its
// consequences.
type Stage int

// The stages, in the order they run.
const (
	Read    Stage = iota // a file on its own (encoding, CSV, cells, TOML) and the records' layout: the parsers and town.Load
	Files                // several files together: a sheet against the roster and the rule set
	History              // the approved history of the files
	Scoring              // the scores and the supermarket's ledger
)

// A Doc describes one code: its title, its message, how to fix it (each in both languages),
// when it is reported (for FORMAT.md, in Chinese) and the stage that reports it.
//
// In Message, Reason texts and Suggest, %[1]q is the value as typed, %[2]s the column (quoted
// in the manner of the language) and %[3]s on the diagnostic's Args. Suggest has %q for the
// suggestion.
type Doc struct {
	Title, Message, Fix Text
	Suggest             Text // how a suggestion is put; default "did you mean %q?"
	When                string
	Stage               Stage
}

// Codes describes every code. FORMAT.md's table of codes is made from it
// (TestFormatTable, go test ./pipeline/check -update).
var Codes = map[Code]Doc{
	BadEncoding: {
		Title:   Text{"编码无法识别", "unknown encoding"},
		Message: Text{"编码不对：第 %[3]s 个字节读不出来", "wrong encoding: byte %[3]s cannot be read"},
		Fix:     Text{"CSV 表在 Excel 或 WPS 里打开，“另存为”CSV（UTF-8 或默认编码都行）；公告在记事本里“另存为”，编码选 UTF-8；不要把别的文件里的行直接粘贴进来", "open a CSV file in Excel or WPS and save it again as CSV (UTF-8 or the default encoding); save a notice again in a text editor as UTF-8; do not paste rows from other files"},
		When:    "文件既不是 UTF-8 也不是 GB18030（如 UTF-16 的“Unicode 文本”、压缩包），或者一个文件里混着两种编码（如把 UTF-8 的行粘贴进 GB18030 的表），报出第几行、第几个字节；公告不是 UTF-8",
		Stage:   Read,
	},
	BadCSV: {
		Title:   Text{"CSV 格式错误", "malformed CSV"},
		Message: Text{"CSV 格式错误", "malformed CSV"},
		Fix:     Text{"用 Excel 或 WPS 重新保存为 CSV；删掉表格右边多出来的格子，或给那一列补上表头", "save the file again as CSV from Excel or WPS; delete stray cells on the right, or give that column a header"},
		When:    "引号没有配对、某一列有值但没有表头、一行的格子比表头多、用了全角逗号分隔、合计行、表头在中间又出现一次",
		Stage:   Read,
	},
	MissingColumn: {
		Title:   Text{"缺少必填列", "missing column"},
		Message: Text{"缺少必填列%[2]s", "the required column %[2]s is missing"},
		Fix:     Text{"按 FORMAT.md 的表补上这一列（中文或英文表头都行）", "add the column (a Chinese or an English header, as FORMAT.md lists them)"},
		When:    "表头里没有某个必填列",
		Stage:   Read,
	},
	UnknownColumn: {
		Title:   Text{"不认识的列", "unknown column"},
		Message: Text{"不认识的列 %[1]q，可用的列：%[3]s", "unknown column %[1]q; the columns are %[4]s"},
		Fix:     Text{"改成可用的列名，或者删掉这一列", "rename the column to one of the known columns, or delete it"},
		When:    "表头里有本页没有的列（如“分数”、“备注”、“序号”），或者表头上面还有一行标题",
		Stage:   Read,
	},
	DuplicateColumn: {
		Title:   Text{"重复的列", "column twice"},
		Message: Text{"列%[2]s出现了两次", "the column %[2]s appears twice"},
		Fix:     Text{"删掉多余的一列", "delete one of the two columns"},
		When:    "同一列出现两次（也包括一次中文一次英文）",
		Stage:   Read,
	},
	MissingValue: {
		Title:   Text{"必填的值是空的", "empty value"},
		Message: Text{"%[2]s不能为空", "%[2]s must not be empty"},
		Fix:     Text{"把空着的地方填上", "fill in the value"},
		When:    "必填的格子空着；事项要求佐证时佐证空着",
		Stage:   Read,
	},
	BadNumber: {
		Title:   Text{"不是整数", "not a whole number"},
		Message: Text{"%[2]s的值 %[1]q 不是整数", "%[2]s %[1]q is not a whole number"},
		Fix:     Text{"写成 5、-5 或 5.0 这样的整数，用半角数字", "write a whole number such as 5, -5 or 5.0"},
		When:    "分值、数量、积分不是整数",
		Stage:   Read,
	},
	BadDate: {
		Title:   Text{"不是日期", "not a date"},
		Message: Text{"%[2]s的值 %[1]q 不是日期", "%[2]s %[1]q is not a date"},
		Fix:     Text{"写成 2025-07-03、2025/7/3 或 2025年7月3日，并且这一天要存在", "write a date that exists, as 2025-07-03 or 2025/7/3"},
		When:    "日期写法不对或者这一天不存在",
		Stage:   Read,
	},
	BadID: {
		Title:   Text{"代码写法不对", "invalid code"},
		Message: Text{"%[2]s的值 %[1]q 不是有效的代码", "%[2]s %[1]q is not a valid code"},
		Fix:     Text{"只用字母、数字和 -，最多 16 个字符，不要空格和中文", "use letters, digits and - only, at most 16 of them, with no spaces"},
		When:    "户号、事项、商品编号里有空格、下划线、全角字母、看不见的字符、中文，或者超过 16 个字符",
		Stage:   Read,
	},
	BadTOML: {
		Title:   Text{"TOML 格式错误", "malformed TOML"},
		Message: Text{"TOML 格式错误", "malformed TOML"},
		Suggest: Text{"这一行应该写成：%s", "the line should read: %s"},
		Fix:     Text{"按报出的行改正；文字要用英文半角引号 \" 括起来；键名见 FORMAT.md", "correct the line shown; text goes between straight double quotes \"; the keys are listed in FORMAT.md"},
		When:    "TOML 文件有语法错误（如用了中文引号）或不认识的键",
		Stage:   Read,
	},
	BadFileName: {
		Title:   Text{"文件名不对", "wrong file name"},
		Message: Text{"文件名 %[1]q 不对", "the file name %[1]q is wrong"},
		Suggest: Text{"应该是 %q", "it should be %q"},
		Fix:     Text{"评定表和兑换记录写成 2025-07.csv，细则写成 rules/2025-01-01.toml，公告写成 2025-07-01-标题.md", "name sheets and redemptions like 2025-07.csv, rule sets like rules/2025-01-01.toml, notices like 2025-07-01-title.md"},
		When:    "评定表、兑换记录、细则、公告的文件名不合规定，或者表里的日期都在另一个月（文件名的月份写错了），或者是复制出来的副本",
		Stage:   Read,
	},
	BadValue: {
		Title:   Text{"值不对", "wrong value"},
		Message: Text{"%[2]s的值 %[1]q 不对", "%[2]s %[1]q is wrong"},
		Fix:     Text{"按说明改正这个值", "correct the value as the message says"},
		When:    "值不合规定（如公开授权写“也许”，退出日期早于加入日期，细则里上限和分值矛盾）",
		Stage:   Read,
	},
	UnknownHousehold: {
		Title:   Text{"户号不在名册", "unknown household"},
		Message: Text{"户号 %[1]q 不在本村名册（households.csv）里", "household %[1]q is not in the village's roster (households.csv)"},
		Fix:     Text{"改正户号（大小写也要一致），或者先把这一户加进名册", "correct the household code (in the same case), or add the household to the roster first"},
		When:    "评定表或兑换记录里的户号不在 households.csv 里（大小写也要一致）",
		Stage:   Files,
	},
	InactiveHouse: {
		Title:   Text{"户当时不在册", "household not on the roster"},
		Message: Text{"户号 %[1]q 在 %[3]s 不在册", "household %[1]q is not on the roster on %[3]s"},
		Fix:     Text{"改正日期，或改正名册的加入日期、退出日期", "correct the date, or the household's joined and left dates in the roster"},
		When:    "这一行的日期在这一户加入之前或退出之后",
		Stage:   Files,
	},
	UnknownItem: {
		Title:   Text{"事项不在细则里", "unknown item"},
		Message: Text{"事项 %[1]q 不在 %[3]s 版积分细则里（既不是事项，也不是一票否决情形）", "item %[1]q is not in the rule set of %[3]s (neither an item nor a veto)"},
		Fix:     Text{"写细则里的事项代码（如 AD01，大写）", "write an item code of the rule set (such as AD01, in capitals)"},
		When:    "事项既不是当月生效的细则里的事项，也不是一票否决情形",
		Stage:   Files,
	},
	PointsNotAllowed: {
		Title:   Text{"分值不符合细则", "points not allowed"},
		Message: Text{"分值 %[1]q 不符合细则", "points %[1]q are not allowed by the rule set"},
		Fix:     Text{"按细则的分值写；扣分事项写负数，一票否决行写 0", "write points the rule set allows: negative for a deduction, 0 for a veto"},
		When:    "分值不是这个事项允许的分值，或者正负号写反了（扣分事项要写负数），或者一票否决行的分值不是 0",
		Stage:   Files,
	},
	DateOutsideMonth: {
		Title:   Text{"日期不在本月", "date outside the month"},
		Message: Text{"日期 %[1]q 不在本表的月份 %[3]s 里", "date %[1]q is not in the file's month %[3]s"},
		Suggest: Text{"这一行应该放在 %q 里", "the row belongs in %q"},
		Fix:     Text{"改正日期，或者把这一行移到那个月的表里", "correct the date, or move the row to that month's file"},
		When:    "日期不在文件名的那个月里",
		Stage:   Files,
	},
	DuplicateID: {
		Title:   Text{"代码重复", "duplicate code"},
		Message: Text{"%[2]s %[1]q 重复出现", "%[2]s %[1]q appears more than once"},
		Fix:     Text{"删掉或改正重复的一行", "delete or correct the repeated row"},
		When:    "名册里同一户号出现两次（不分大小写），名册一行的迁自里同一户写了两次，或者细则、商品目录、town.toml 里的代码重复",
		Stage:   Read,
	},
	UnknownGrid: {
		Title:   Text{"小组不存在", "unknown grid"},
		Message: Text{"小组 %[1]q 不在 village.toml 的小组里，可用的小组：%[3]s", "grid %[1]q is not a grid of village.toml; the grids are %[3]s"},
		Fix:     Text{"改成 village.toml 里的小组名称，或者在 village.toml 里加上这个小组", "write a grid name of village.toml, or add the grid to village.toml"},
		When:    "名册里的小组不是 village.toml 里的小组名称",
		Stage:   Files,
	},
	UnknownVillage: {
		Title:   Text{"村代码不对", "unknown village"},
		Message: Text{"村代码 %[1]q 没有写在 town.toml 的 villages 里", "village %[1]q is not listed in the villages of town.toml"},
		Fix:     Text{"在 town.toml 的 villages 里加上这个村，或者删掉这个文件夹", "add the village to villages in town.toml, or delete the folder"},
		When:    "villages/ 下面的文件夹没有写在 town.toml 的 villages 里",
		Stage:   Read,
	},
	NoRules: {
		Title:   Text{"没有生效的细则", "no rule set in force"},
		Message: Text{"%[1]s 月没有生效的积分细则", "no rule set is in force in %[1]s"},
		Fix:     Text{"在 rules/ 里加上更早生效的细则，或者改正文件名里的月份", "add a rule set to rules/ that takes effect by then, or correct the month in the file name"},
		When:    "这个月的第一天还没有任何一版细则生效",
		Stage:   Files,
	},
	UnknownGoods: {
		Title:   Text{"商品不在目录里", "unknown goods"},
		Message: Text{"商品编号 %[1]q 不在商品目录里", "goods %[1]q are not in the catalog"},
		Fix:     Text{"改正商品编号，或者先把商品加进目录（supermarket/catalog.csv）", "correct the goods code, or add the goods to the catalog (supermarket/catalog.csv) first"},
		When:    "兑换记录里的商品编号不在商品目录里",
		Stage:   Files,
	},
	WrongPrice: {
		Title:   Text{"兑换积分不对", "wrong price"},
		Message: Text{"积分 %[1]q 不对：%[3]s × %[4]s = %[5]s（%[6]s）", "points %[1]q are wrong: %[3]s × %[4]s = %[5]s (%[6]q)"},
		Fix:     Text{"按兑换时的目录积分价重新算：数量 × 积分价", "work the points out again at the catalog's price then: quantity × price"},
		When:    "积分不等于 数量 × 商品积分价",
		Stage:   Files,
	},
	MissingFile: {
		Title:   Text{"缺少文件", "missing file"},
		Message: Text{"缺少文件 %[3]s", "the file %[3]s is missing"},
		Fix:     Text{"补上这个文件", "add the file"},
		When:    "缺少必需的文件（如名册，或者有兑换记录却没有当月评定表），或者审定过的评定表、兑换记录被删掉了",
		Stage:   Read,
	},
	UnknownFile: {
		Title:   Text{"不认识的文件", "unexpected file"},
		Message: Text{"不认识的文件", "unexpected file"},
		Suggest: Text{"应该是 %q", "it should be %q"},
		Fix:     Text{"按 FORMAT.md 放在该放的位置，或者删掉；照片等佐证材料不放进记录仓库", "move the file where FORMAT.md says, or delete it; photos and other evidence stay out of the records"},
		When:    "记录仓库里出现了本页没有的文件（如照片、放错文件夹的表、Excel 打开文件时留下的 ~$ 临时文件）；电子表格工作簿见 E132",
		Stage:   Read,
	},
	EmptySheet: {
		Title:   Text{"表是空的", "empty file"},
		Message: Text{"表里没有任何数据行", "the file has no data rows"},
		Fix:     Text{"填上数据，或者删掉这个文件", "fill in the rows, or delete the file"},
		When:    "文件里没有任何数据行（只有表头，或者全是没有填的模板行）",
		Stage:   Read,
	},
	FutureMonth: {
		Title:   Text{"月份还没到", "future month"},
		Message: Text{"月份 %[1]q 还没有到（现在是 %[3]s）", "month %[1]q is in the future (it is %[3]s now)"},
		Fix:     Text{"改正文件名里的月份", "correct the month in the file name"},
		When:    "文件名的月份在将来",
		Stage:   Read,
	},
	RefusedFile: {
		Title:   Text{"文件不读取", "refused file"},
		Message: Text{"不读取文件 %[1]q", "the file %[1]q is not read"},
		Fix:     Text{"删掉这个文件，或者换成普通的文件、改成普通的文件名；照片、扫描件不放进记录仓库", "delete the file, or replace it by an ordinary file with an ordinary name; photos and scans stay out of the records"},
		When:    "符号链接、子模块、文件名不是 UTF-8 或超过 16 MB 的文件；文件名里有不能用的字符（斜杠、反斜杠、控制字符），或者同一个文件夹里有同名的条目",
		Stage:   Read,
	},
	Unreviewed: {
		Title:   Text{"没有经过审核", "unreviewed change"},
		Message: Text{"%[3]s（%[4]s，%[5]s）没有经过评议小组审核就改动了这个文件（不是合并请求，也没有 Reviewed-by: 或 Approved-by:）", "commit %[3]s (%[4]s, by %[5]q) changed this file without review (not a merged pull request, and no Reviewed-by: or Approved-by: trailer)"},
		Fix:     Text{"评议小组核对这个文件以后，通过拉取请求提交它的新版本：审核过的新版本接替没审核的", "have the evaluation group check the file, then submit a new version of it by pull request: a reviewed version supersedes unreviewed ones"},
		When:    "开了 --require-review 时，评定表或兑换记录最近的改动既不是合并请求，也没有审核人（之后有审核过的版本就不算）",
		Stage:   History,
	},
	Unsigned: {
		Title:   Text{"没有签名", "unsigned change"},
		Message: Text{"%[3]s（%[4]s，%[5]s）改动了这个文件，但没有本村名单上的密钥签名（village.toml 的 signing_keys）", "commit %[3]s (%[4]s, by %[5]q) changed this file without a signature by a key of the village (signing_keys in village.toml)"},
		Fix:     Text{"用 village.toml 的 signing_keys 里的密钥签名，提交这个文件的新版本：签了名的新版本接替没签名的", "commit a new version of the file signed with a key listed in signing_keys of village.toml: a signed version supersedes unsigned ones"},
		When:    "开了 --require-signed 时，本村文件最近的改动没有本村名单上的密钥签名（之后有签了名的版本就不算）",
		Stage:   History,
	},
	DuplicateRow: {
		Title:   Text{"重复的行", "duplicate row"},
		Message: Text{"这一行和第 %[3]s 行完全一样（户号、事项、分值、日期、说明、佐证都相同）", "this row repeats line %[3]s exactly (household, item, points, date, note and evidence)"},
		Fix:     Text{"一件事只记一行，删掉重复的一行；确实是两件事就在说明或佐证里写清楚", "record an event once and delete the copy; if these are two events, say so in the note or the evidence"},
		When:    "这一行和前面某一行完全一样",
		Stage:   Read,
	},
	IDNumber: {
		Title:   Text{"写了身份证号", "resident ID number"},
		Message: Text{"%[2]s里有身份证号 %[1]s", "%[2]s contains a resident ID number %[1]s"},
		Fix:     Text{"删掉身份证号：记录里不许写身份证号（个人信息）", "delete the ID number: the records must not carry ID numbers (personal data)"},
		When:    "文字里有身份证号（18 位，校验码正确）",
		Stage:   Read,
	},
	PhoneNumber: {
		Title:   Text{"写了手机号", "mobile number"},
		Message: Text{"%[2]s里有手机号 %[1]s", "%[2]s contains a mobile number %[1]s"},
		Fix:     Text{"删掉手机号；要联系方式请写村委会的办公电话", "delete the mobile number; for contact, give the village office's telephone"},
		When:    "文字里有手机号（11 位，1 开头，也包括 138 0000 0000、全角数字这些写法）",
		Stage:   Read,
	},
	TooLong: {
		Title:   Text{"文字太长", "text too long"},
		Message: Text{"%[2]s太长：%[3]s 个字，最多 %[4]s 个字（%[1]q）", "%[2]s is too long: %[3]s characters, at most %[4]s (%[1]q)"},
		Fix:     Text{"写得简短些；详细材料留在村里存档", "shorten it; keep the details in the village's files"},
		When:    "说明超过 200 个字，佐证或其他文字超过 100 个字",
		Stage:   Read,
	},
	ControlChar: {
		Title:   Text{"有看不见的字符", "invisible character"},
		Message: Text{"%[2]s的值 %[1]q 里有看不见的字符 %[3]s", "%[2]s %[1]q contains the invisible character %[3]s"},
		Fix:     Text{"删掉单元格里的换行（Alt+Enter）或看不见的字符，写成一行", "remove the line break (Alt+Enter) or invisible character from the cell"},
		When:    "文字里有换行、制表符或看不见的方向控制符",
		Stage:   Read,
	},
	FormulaText: {
		Title:   Text{"像公式的文字", "formula-like text"},
		Message: Text{"%[2]s的值 %[1]q 以 %[3]s 开头，电子表格会把它当成公式", "%[2]s %[1]q starts with %[3]s, which spreadsheets run as a formula"},
		Fix:     Text{"去掉开头的符号，或者在前面加上文字", "remove the leading sign, or put words before it"},
		When:    "文字以 =、+、-、@ 开头",
		Stage:   Read,
	},
	OverBalance: {
		Title:   Text{"超出可兑换积分", "beyond the balance"},
		Message: Text{"兑换 %[1]s 分，超出了这一户当时的可兑换积分 %[3]s 分", "redeems %[1]s points, more than the household could redeem then (%[3]s)"},
		Fix:     Text{"核对兑换记录；超出的部分不能兑换", "check the exchange; points beyond the balance cannot be redeemed"},
		When:    "兑换花掉的积分超过这一户当时的可兑换积分",
		Stage:   Scoring,
	},
	FrozenBalance: {
		Title:   Text{"积分已冻结", "balance frozen"},
		Message: Text{"这一户当年有一票否决（E2），可兑换积分已冻结，不能兑换（%[1]s 分）", "the household's balance is frozen by a veto of effect E2 this year: nothing may be redeemed (%[1]s points)"},
		Fix:     Text{"当年不能再兑换，删掉这一行", "nothing may be redeemed this year: delete the row"},
		When:    "这一户当年有一票否决（E2），可兑换积分已冻结",
		Stage:   Scoring,
	},
	Expired: {
		Title:   Text{"积分已过期", "points expired"},
		Message: Text{"兑换 %[1]s 分时，可兑换积分已按细则清零，只剩 %[3]s 分", "redeems %[1]s points after the balance expired under the rules (%[3]s left)"},
		Fix:     Text{"核对兑换日期和积分", "check the date and the points of the exchange"},
		When:    "兑换时可兑换积分已经按细则清零（如年底清零）",
		Stage:   Scoring,
	},
	RulesShadowed: {
		Title:   Text{"细则版本重叠", "version never in force"},
		Message: Text{"%[1]s 版细则不会用于任何月份：%[3]s 版在它适用的第一个月之前就已生效（每个月按当月 1 日有效的最新版本评分）", "version %[1]s is never in force: version %[3]s takes effect before the first month it would govern (a month is scored by the latest version in force on its first day)"},
		Fix:     Text{"删掉用不上的那一版，或者改正生效日期", "delete the version that is never used, or correct its effective date"},
		When:    "两版细则在同一个月第一次适用，前一版永远用不上",
		Stage:   Read,
	},
	FutureDate: {
		Title:   Text{"日期还没到", "future date"},
		Message: Text{"日期 %[1]q 还没有到（现在是 %[3]s）", "date %[1]q is in the future (it is %[3]s now)"},
		Fix:     Text{"改正日期：只记已经发生的事", "correct the date: record only what has happened"},
		When:    "这一行的日期在今天之后",
		Stage:   Files,
	},
	ArchivedVillage: {
		Title:   Text{"本村已停止记分", "village archived"},
		Message: Text{"本村 %[3]s 已停止记分（village.toml 写了 archived 或 merged_into），不能再有 %[1]s 的记录", "the village stopped keeping records in %[3]s (archived or merged_into in village.toml): it can have no records for %[1]s"},
		Fix:     Text{"把这个月的记录放进合并后的村，或者删掉 village.toml 的 archived 和 merged_into", "put the month's records in the village it merged into, or take archived and merged_into out of village.toml"},
		When:    "村已经写明停止记分（或者并入别的村）以后，又加了以后月份的评定表或兑换记录",
		Stage:   Read,
	},
	Workbook: {
		Title:   Text{"电子表格工作簿", "spreadsheet workbook"},
		Message: Text{"这是电子表格工作簿（%[3]s），不是 CSV 文件", "this is a spreadsheet workbook (%[3]s), not a CSV file"},
		Suggest: Text{"另存为 %q", "save it as %q"},
		Fix: Text{
			"打开这个文件，只另存第一张表：Excel 点“文件 → 另存为”，保存类型选“CSV UTF-8（逗号分隔）”；WPS 点“文件 → 另存为”，文件类型选“CSV (逗号分隔)”；LibreOffice 点“文件 → 另存为”，文件类型选“CSV 文本 (.csv)”，勾选“编辑筛选设置”，字符集选“Unicode (UTF-8)”，字段分隔符选逗号；然后上传 CSV 文件，删掉工作簿",
			"open the file and save its first sheet: in Excel, File → Save As, type CSV UTF-8 (Comma delimited); in WPS, File → Save As, type CSV (Comma delimited); in LibreOffice, File → Save As, type Text CSV (.csv), Edit filter settings, character set Unicode (UTF-8), comma as the field delimiter; then upload the CSV file and delete the workbook",
		},
		When:  "村的文件夹里（或者记录仓库的别处）有 Excel、WPS 或 LibreOffice 的工作簿（.xlsx、.xls、.et、.ods），或者名字是 .csv 的文件其实是工作簿",
		Stage: Read,
	},
	LostCharacter: {
		Title:   Text{"字丢了", "character lost"},
		Message: Text{"%[1]q 里的“?”是保存时丢掉的字", "%[1]q has a \"?\" where saving lost a character"},
		Fix: Text{
			"回到 Excel、WPS 或 LibreOffice 里的原表，另存为 UTF-8 的 CSV 再上传（Excel 选“CSV UTF-8（逗号分隔）”，LibreOffice 勾选“编辑筛选设置”、字符集选“Unicode (UTF-8)”）：GBK 存不下生僻字（如“𫖮”），有的字符集连中文都存不下，存不下的字都写成了“?”；真要写问号，用全角的“？”",
			"save the original sheet again from Excel, WPS or LibreOffice as a UTF-8 CSV and upload that (CSV UTF-8 in Excel; Edit filter settings and the character set Unicode (UTF-8) in LibreOffice): GBK cannot hold rare characters, some character sets hold no Chinese at all, and saving wrote \"?\" for what they cannot hold; for a real question mark, write the full-width one",
		},
		When:  "用 GBK / GB18030 编码保存的表里，文字格子（说明、佐证、户主、商品名称等）有半角问号“?”：电子表格存不下的字会被换成“?”；表头是“??”这样的问号：保存时选的字符集里没有中文字",
		Stage: Read,
	},
	Placeholder: {
		Title:   Text{"示范文字没有改", "example text left in"},
		Message: Text{"%[2]s %[1]q 还是建仓库时自带的示范文字", "%[2]s %[1]q is still the example text jifen init wrote"},
		Fix:     Text{"改成本镇、本村的实际内容再发布", "replace it with the town's or village's own before publishing"},
		When:    "town.toml 写了真实的网站地址，准备发布了，但设置、细则或名册里还有建仓库时自带的示范文字（请改成…、示范文本、示例户）",
		Stage:   Read,
	},

	ItemCapCut: {
		Title:   Text{"超过事项每月上限", "item's monthly cap"},
		Message: Text{"事项 %[3]s %[4]s 每户每月上限 %[5]s 分，这一行只计 %[6]s 分（超出的不计，网站上本户明细会写明）", "item %[3]s (%[4]q) counts at most %[5]s points a month per household: this row counts %[6]s (the household's page shows the cut)"},
		Fix:     Text{"不用改；如果是记错了，改正这一行", "nothing to do; if the row is wrong, correct it"},
		When:    "这一户这个月从这个事项得到的分超过了上限，超出的不计",
		Stage:   Scoring,
	},
	ItemYearCapCut: {
		Title:   Text{"超过事项每年上限", "item's yearly cap"},
		Message: Text{"事项 %[3]s %[4]s 每户每年上限 %[5]s 分（算上本年之前各月），这一行只计 %[6]s 分", "item %[3]s (%[4]q) counts at most %[5]s points a year per household (earlier months included): this row counts %[6]s"},
		Fix:     Text{"不用改；如果是记错了，改正这一行", "nothing to do; if the row is wrong, correct it"},
		When:    "算上本年之前各月，超过了事项的每年上限",
		Stage:   Scoring,
	},
	CategoryCapCut: {
		Title:   Text{"超过类别权重", "category's weight"},
		Message: Text{"类别 %[3]s %[4]s 每户每年最多加 %[5]s 分（权重，算上本年之前各月），这一行只计 %[6]s 分", "category %[3]s (%[4]q) gives at most %[5]s points a year per household (its weight, earlier months included): this row counts %[6]s"},
		Fix:     Text{"不用改；如果是记错了，改正这一行", "nothing to do; if the row is wrong, correct it"},
		When:    "算上本年之前各月，这一户从这一类得到的加分超过了类别的年度权重",
		Stage:   Scoring,
	},
	MonthlyCapCut: {
		Title:   Text{"超过每月总上限", "monthly cap"},
		Message: Text{"每户每月加分最多 %[3]s 分，这一行只计 %[4]s 分", "a household earns at most %[3]s points a month: this row counts %[4]s"},
		Fix:     Text{"不用改；如果是记错了，改正这一行", "nothing to do; if the row is wrong, correct it"},
		When:    "这一户这个月的加分超过了每月总上限 monthly_cap",
		Stage:   Scoring,
	},
	NumberAsText: {
		Title:   Text{"编号可能被电子表格改了", "number changed by a spreadsheet"},
		Message: Text{"%[2]s的值 %[1]q 像是被电子表格当成了数字", "the %[2]s %[1]q looks changed by a spreadsheet that took it for a number"},
		Fix: Text{
			"在 Excel 或 WPS 里选中这一列，右键“设置单元格格式”选“文本”，重新填上原来的编号再保存；编号本来就是这样的，就不用改",
			"select the column in Excel or WPS, format its cells as text, type the number again as it was, and save; if the number really is so, nothing to do",
		},
		When:  "佐证编号带了电子表格加上的小数（如 123.00）、写成了科学计数法（如 1.23E+11），或者新交或改过的表里的编号比本村各表里补了 0 的编号短、像是丢了前面的 0（如别的都是 00123 这样五位，这一个是 123）；更正的表里，审定过的同一行（同一户、同一事项、同一天）原来是 00123，现在成了 123 或 123.00",
		Stage: Read,
	},
	DeclaredUnscored: {
		Title:   Text{"通过的申报没有记分", "accepted declaration not scored"},
		Message: Text{"户 %[3]s 申报的 %[4]s（%[5]s）写了通过，本月评定表里却没有这一户、这一天、这个事项的行", "the declaration of %[3]s for %[4]s on %[5]s is accepted, and the month's sheet has no row of that household, day and item"},
		Fix:     Text{"在评定表里加上这一行；评议小组没有同意的，把结果改成不通过并写上理由", "add the row to the sheet; if the evaluation group did not accept it, make it refused and give the reason"},
		When:    "申报记录里结果是通过的一行，在同一个月的评定表里找不到同一户、同一事项、同一天的行",
		Stage:   Files,
	},
	NotDeclarable: {
		Title:   Text{"不能申报的事项", "item not declarable"},
		Message: Text{"申报的事项 %[1]s 是扣分事项或一票否决情形：申报的只能是加分事项", "the declared item %[1]s is a deduction or a veto: a declaration claims an item that adds points"},
		Fix:     Text{"写这户申报的加分事项的代码；扣分和一票否决由评议小组直接记进评定表", "write the code of the item that adds points the household claimed; deductions and vetoes go straight into the sheet"},
		When:    "申报记录里的事项是细则里的扣分事项或一票否决情形",
		Stage:   Files,
	},
	Uncorrected: {
		Title:   Text{"更正的异议没有更正", "upheld objection not corrected"},
		Message: Text{"对户 %[3]s 的异议写了更正，可是 %[4]s 收到异议以后，本月评定表没有改过这一户的行", "the objection about %[3]s is upheld, and since it came on %[4]s the month's sheet has not changed that household's rows"},
		Fix:     Text{"提交更正后的评定表（另开一个合并请求，经评议小组审核），或者把结果改成维持并写上答复", "submit the corrected sheet (in a pull request the evaluation group reviews), or record that the results stand, with the reply"},
		When:    "异议记录里结果是更正的一行，在收到日期以后，这个月的评定表没有审定过改动这一户（写了事项就是这一户这个事项）的行的新版本",
		Stage:   Files,
	},
	UnknownFrom: {
		Title:   Text{"迁自的户不存在", "predecessor not found"},
		Message: Text{"迁自写的 %[1]q 不是本镇的户", "from %[1]q is not a household of the town"},
		Fix:     Text{"写原户在它那个村名册里的户号；在本镇别的村，前面加村代码和 /，如 qingshi/QS-0107", "write the household's code as its village's roster has it, after its village's code and / when that is another village of the town, such as qingshi/QS-0107"},
		When:    "名册的迁自一列写的村代码不是 town.toml 的 villages 里的（写了村名也是这样），或者写的户号不在那个村（没写村代码就是本村）的名册里",
		Stage:   Read,
	},
	MoveDates: {
		Title:   Text{"迁移日期对不上", "move dates disagree"},
		Message: Text{"加入日期 %[3]s 要在原户 %[1]s 的退出日期 %[4]s 之后", "joined %[3]s must be after the day %[1]s left, %[4]s"},
		Fix:     Text{"原户的退出日期写它在原村的最后一天，新户的加入日期写那以后的一天（一般是第二天）", "give the household that left its last day in its village, and the new one a later day (usually the next) as joined"},
		When:    "名册里写了迁自的户，加入日期不晚于原户的退出日期",
		Stage:   Read,
	},
	CarriedWrong: {
		Title:   Text{"承接积分写得不对", "carried points wrong"},
		Message: Text{"迁自、承接积分写得不对", "from or carried points are wrong"},
		Fix:     Text{"一户分成几户时，主户不写承接积分，其余每户写分得的积分；迁移、合户，或者细则规定迁移时清零的，都不写；一户不能既从一户分出来，又由几户合成", "when a household splits, each new household but the main one gives the points it takes; a move or a merge gives none, nor does anyone when the rule set clears a mover's balance; a household cannot both split from one and merge from several"},
		When:    "分户时不止一户没写承接积分，或者每户都写了（没有主户），或者迁移、合户写了承接积分，或者细则规定迁移时清零却写了承接积分，或者一户既是分户又是合户",
		Stage:   Read,
	},
	CarriedOver: {
		Title:   Text{"承接积分超过余额", "carried points over the balance"},
		Message: Text{"分出去的承接积分合计 %[3]s 分，原户 %[4]s %[5]s 退出时的可兑换积分连同以后补记的，一共只有 %[6]s 分", "the carried points add up to %[3]s, but %[4]s had only %[6]s: its balance when it left on %[5]s and the points credited since"},
		Fix:     Text{"改小承接积分，合计不超过原户的可兑换积分（看原户的积分页：退出那天的余额，加上退出以后补记转出的分）", "lower the carried points to at most what the household had (on its account page: its balance the day it left, and the points credited and passed on since)"},
		When:    "分户的几户写的承接积分加起来，超过原户退出那天的可兑换积分加上以后补记的分（退出那个月的评定表在下个月审定，那个月的分也算在里面）",
		Stage:   Scoring,
	},
	MovePending: {
		Title:   Text{"原户还没有登记退出", "predecessor has not left"},
		Message: Text{"迁自的户 %[1]s 在名册里还没有退出日期，积分还不会转过来", "%[1]s has no date left on its roster yet: no points move until it has"},
		Fix:     Text{"在原户那个村的名册里写上它的退出日期（最好和这一户在同一个合并请求里）", "give the household its date left on its village's roster (best in the same pull request)"},
		When:    "名册里写了迁自的户，原户在它的名册里还没有退出日期",
		Stage:   Read,
	},
	PendingDeclared: {
		Title:   Text{"申报还没有审", "declaration still pending"},
		Message: Text{"本月评定表已经审定，户 %[3]s 申报的 %[4]s 还是待审", "the month's sheet is approved, and the declaration of %[3]s for %[4]s is still pending"},
		Fix:     Text{"评议小组审过以后把结果改成通过或不通过（不通过要写理由），通过的记进评定表", "once the evaluation group decided, make it accepted or refused (with the reason), and score an accepted one in the sheet"},
		When:    "本月的评定表已经审定（合并过），申报记录里还有结果是待审的行",
		Stage:   Files,
	},
	MissingICP: {
		Title:   Text{"没有写网站备案号", "no ICP number"},
		Message: Text{"网站放在境内的域名 %[3]s 下，town.toml 却没有写网站的 ICP 备案号（icp）", "the site is published under %[3]s, a mainland Chinese domain, and town.toml has no ICP filing number (icp)"},
		Fix: Text{
			"在 town.toml 里照工信部备案系统写上备案号，如 icp = \"粤ICP备12345678号\"（不清楚的问县里或镇里管网站的同事）；网站每一页的页脚和打印的公示单上都会显示它，并链接到工信部的备案网站",
			"write the number the MIIT filing system gave the site as icp in town.toml, exactly as the system shows it (ask whoever runs the county's or the town's websites); the footer of every page and the printed notices show it, linked to the MIIT filing site",
		},
		When:  "网站的地址（town.toml 的 site_url，或者生成网站时另给的地址）是 .cn 结尾的域名（如 .gov.cn），境内的网站要显示 ICP 备案号，但 town.toml 没有写 icp",
		Stage: Read,
	},
}
