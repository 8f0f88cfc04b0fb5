package sheet

import "github.com/jifen-project/jifen/pipeline/check"

// A Declaration is one row of a month's declarations (申报): a household claimed an item for
// something it did, a grid worker recorded the claim, and the evaluation group decided on it.
type Declaration struct {
	Line      int
	Date      string // 日期: the day of the deed, YYYY-MM-DD
	DateText  string // 日期 as written, for messages
	Household string // 户号
	Item      string // 事项: the item claimed
	Text      string // 情况: what happened, as the household told it
	Outcome   string // 结果: Accepted, Refused or Pending
	Reason    string // 理由: why it was refused, or a remark
	Invalid   Unread // the cells that could not be read; already reported
}

// The outcomes of a declaration, as the files write them.
const (
	Accepted = "通过"
	Refused  = "不通过"
	Pending  = "待审"
)

var (
	declarationColumns = []column{
		{key: "date", zh: "日期", required: true, like: []string{"时间", "发生日期", "申报日期"}},
		{key: "household", zh: "户号", required: true, like: []string{"户编号", "户代码", "编号"}},
		{key: "item", zh: "事项", required: true, like: []string{"事项代码", "申报事项", "积分事项"}},
		{key: "text", zh: "情况", text: true, like: []string{"事由", "申报内容", "说明", "情况说明"}},
		{key: "outcome", zh: "结果", required: true, like: []string{"审核结果", "审核", "状态"}},
		{key: "reason", zh: "理由", text: true, like: []string{"原因", "审核意见", "不通过理由"}},
	}
	reasonOutcome = check.Text{
		Zh: "结果只能写“通过”“不通过”或“待审”",
		En: "the outcome is \"通过\" (accepted), \"不通过\" (refused) or \"待审\" (pending)",
	}
	reasonRefusal = check.Text{
		Zh: "不通过的申报要写理由，让申报的户知道为什么",
		En: "a refused declaration says why, for the household that declared it",
	}
)

// declaredWords are other words cadres write for the outcomes of declarations, suggested as the
// one the file takes.
var declaredWords = map[string]string{
	"已通过": Accepted, "同意": Accepted, "批准": Accepted, "是": Accepted,
	"未通过": Refused, "没通过": Refused, "不同意": Refused, "驳回": Refused, "否": Refused,
	"待审核": Pending, "审核中": Pending, "未审": Pending, "未审核": Pending,
}

// ParseDeclarations reads a month's declarations. The columns say which headers the file wrote.
// A file with a header and no rows is a month in which nobody declared anything.
func ParseDeclarations(name string, data []byte) ([]Declaration, Columns, check.List) {
	var diags check.List
	var out []Declaration
	cols, ok := scan(name, data, declarationColumns, &diags, func(cols Columns, cells []string, line int) {
		// The cells are in the order of declarationColumns.
		date, household, item, text, outcome, reason := cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]
		c := cell{name: name, columns: declarationColumns, cols: cols, line: line, diags: &diags}
		d := Declaration{
			Line:      line,
			Date:      c.date("date", date),
			DateText:  date,
			Household: c.id("household", household),
			Item:      c.id("item", item),
			Text:      c.text("text", text, maxNote),
			Outcome:   c.required("outcome", outcome),
			Reason:    c.text("reason", reason, maxNote),
		}
		switch d.Outcome {
		case Accepted, Pending, "":
		case Refused:
			if reason == "" {
				c.report(check.Diagnostic{Code: check.MissingValue, Reason: &reasonRefusal}, "reason")
			}
		default:
			c.report(check.Diagnostic{Code: check.BadValue, Value: outcome, Reason: &reasonOutcome, Suggest: declaredWords[outcome]}, "outcome")
			d.Outcome = ""
		}
		d.Invalid = c.invalid
		out = append(out, d)
	})
	if !ok {
		return nil, nil, diags
	}
	hyphenSuggestions(diags, func() map[string]bool {
		has := map[string]bool{}
		for _, d := range out {
			has[d.Household], has[d.Item] = true, true
		}
		return has
	})
	return out, cols, diags
}
