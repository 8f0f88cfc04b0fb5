package sheet

import "github.com/jifen-project/jifen/pipeline/check"

// An Objection is one row of a month's objections (异议): during the public notice of the
// month's results someone objected to a household's points, and the evaluation group answered.
type Objection struct {
	Line         int
	Received     string // 收到日期, YYYY-MM-DD
	ReceivedText string // as written, for messages
	Household    string // 户号: the household whose points the objection is about
	Item         string // 事项: the row's item, when it is about one row; or ""
	Outcome      string // 结果: Upheld, Dismissed, or "" while it is being handled
	Replied      string // 答复日期, YYYY-MM-DD, or ""
	RepliedText  string
	Reply        string // 答复: what the evaluation group answered, published
	Invalid      Unread // the cells that could not be read; already reported
}

// The outcomes of an objection, as the files write them: the results were corrected (the
// objection was upheld), or they stand (it was dismissed).
const (
	Upheld    = "更正"
	Dismissed = "维持"
)

var (
	objectionColumns = []column{
		{key: "received", zh: "收到日期", required: true, like: []string{"日期", "收到时间", "提出日期"}},
		{key: "household", zh: "户号", required: true, like: []string{"户编号", "户代码", "编号"}},
		{key: "item", zh: "事项", like: []string{"事项代码", "异议事项"}},
		{key: "outcome", zh: "结果", like: []string{"处理结果", "处理", "状态"}},
		{key: "replied", zh: "答复日期", like: []string{"答复时间", "回复日期", "处理日期"}},
		{key: "reply", zh: "答复", text: true, like: []string{"答复内容", "回复", "处理意见"}},
	}
	reasonObjectionOutcome = check.Text{
		Zh: "结果只能写“更正”“维持”，还在处理的空着（或者写“处理中”）",
		En: "the outcome is \"更正\" (corrected) or \"维持\" (the results stand); while it is handled, empty (or \"处理中\")",
	}
	reasonAnswered = check.Text{
		Zh: "有了结果就要写答复日期和答复，让提异议的人知道",
		En: "an objection with an outcome has the date and the text of its reply, for whoever objected",
	}
	reasonUnanswered = check.Text{
		Zh: "答复了就要写结果（更正或维持）；还在处理的异议，答复日期和答复先空着",
		En: "a reply goes with its outcome (\"更正\" or \"维持\"); while the objection is handled, its reply date and reply stay empty",
	}
	reasonReplyBefore = check.Text{
		Zh: "答复日期不能早于收到日期（%[3]s）",
		En: "the reply cannot come before the objection was received (%[3]s)",
	}
)

// objectionWords are other words cadres write for the outcomes of objections, suggested as the
// one the file takes.
var objectionWords = map[string]string{
	"已更正": Upheld, "更改": Upheld, "采纳": Upheld, "改正": Upheld, "已改正": Upheld,
	"维持原结果": Dismissed, "不予更正": Dismissed, "不更正": Dismissed, "驳回": Dismissed,
}

// ParseObjections reads a month's objections. The columns say which headers the file wrote.
func ParseObjections(name string, data []byte) ([]Objection, Columns, check.List) {
	var diags check.List
	var out []Objection
	cols, ok := scan(name, data, objectionColumns, &diags, func(cols Columns, cells []string, line int) {
		// The cells are in the order of objectionColumns.
		received, household, item, outcome, replied, reply := cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]
		c := cell{name: name, columns: objectionColumns, cols: cols, line: line, diags: &diags}
		o := Objection{
			Line:         line,
			Received:     c.date("received", received),
			ReceivedText: received,
			Household:    c.id("household", household),
			Outcome:      outcome,
			Replied:      c.optionalDate("replied", replied),
			RepliedText:  replied,
			Reply:        c.text("reply", reply, maxNote),
		}
		if item != "" {
			o.Item = c.id("item", item)
		}
		answered(&c, &o, reply)
		o.Invalid = c.invalid
		out = append(out, o)
	})
	if !ok {
		return nil, nil, diags
	}
	return out, cols, diags
}

// answered checks that an objection with an outcome has its reply, dated on or after it was
// received, and that one without has none yet.
func answered(c *cell, o *Objection, reply string) {
	switch o.Outcome {
	case Upheld, Dismissed:
		switch {
		case o.RepliedText == "":
			c.report(check.Diagnostic{Code: check.MissingValue, Reason: &reasonAnswered}, "replied")
		case reply == "":
			c.report(check.Diagnostic{Code: check.MissingValue, Reason: &reasonAnswered}, "reply")
		case o.Replied != "" && o.Received != "" && o.Replied < o.Received:
			c.bad("replied", o.RepliedText, &reasonReplyBefore, o.ReceivedText)
		}
	case "", "处理中", "待处理", "正在处理":
		o.Outcome = "" // being handled
		if o.RepliedText != "" || reply != "" {
			c.report(check.Diagnostic{Code: check.MissingValue, Reason: &reasonUnanswered}, "outcome")
		}
	default:
		c.report(check.Diagnostic{Code: check.BadValue, Value: o.Outcome, Reason: &reasonObjectionOutcome, Suggest: objectionWords[o.Outcome]}, "outcome")
		o.Outcome = ""
	}
}
