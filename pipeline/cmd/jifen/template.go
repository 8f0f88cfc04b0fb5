package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

var monthFlag = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// template writes a blank score sheet for a village-month, with the roster's households: a CSV
// sheet, or a workbook for a spreadsheet that is saved as the CSV sheet.
func template(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen template", flag.ContinueOnError)
	fs.SetOutput(stderr)
	village := fs.String("village", "", "village id, as in town.toml")
	month := fs.String("month", "", "the sheet's month, YYYY-MM")
	format := fs.String("format", "", "csv: the sheet itself; xlsx: an Excel workbook to fill in and save as CSV (default: as --out's extension, else csv)")
	repo := fs.String("repo", ".", "records working tree")
	root := fs.String("root", "", "folder of the working tree that holds the records")
	out := fs.String("out", "", `file to write, or - for standard output (default for csv: the month's sheet in the working tree, which must not exist yet; for xlsx: YYYY-MM.xlsx in the current folder)`)
	err := fs.Parse(args)
	if err == nil && *format == "" {
		*format = cmp.Or(strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), "."), "csv")
	}
	if err != nil || fs.NArg() > 0 || *village == "" || !monthFlag.MatchString(*month) || *format != "csv" && *format != "xlsx" {
		if err == nil {
			fmt.Fprintln(stderr, "usage: jifen template --village V --month YYYY-MM [--format csv|xlsx] [--repo DIR] [--root DIR] [--out FILE]")
		}
		return errUsage
	}
	dir := filepath.Join(*repo, *root)
	if msg := templateOut(*out, *format, dir); msg != "" {
		fmt.Fprintln(stderr, "jifen template: "+msg)
		return errUsage
	}
	t, v, err := templateVillage(dir, *village, stderr)
	if err != nil {
		return err
	}
	var data []byte
	name := *out
	switch *format {
	case "csv":
		data = sheet.Template(v.Households, *month)
		if name == "" {
			name = filepath.Join(dir, "villages", *village, "sheets", *month+".csv")
		}
	case "xlsx":
		rs := t.Rules.InForce(*month)
		if rs == nil {
			fmt.Fprintf(stderr, "jifen template: no rule set is in force in %s: the workbook offers no item codes\n", *month)
		}
		if data, err = sheet.Workbook(v.Households, *month, itemCodes(rs)); err != nil {
			return err
		}
		if name == "" {
			name = *month + ".xlsx" // not in the records: Save As proposes the sheet's name, YYYY-MM.csv
		}
	}
	if name == "-" {
		_, err := stdout.Write(data)
		return err
	}
	if err := writeNew(name, data); err != nil {
		return fmt.Errorf("write the template: %w", err)
	}
	if *format == "xlsx" {
		fmt.Fprintf(stdout, "已写好工作簿 %s：每户一行，填上事项和分值（日期改成事情发生的那天）；没有填的行不算数。"+
			"填完在“评定表”上另存为 CSV UTF-8，文件名 %s.csv，放进 villages/%s/sheets/；工作簿本身不要放进记录仓库\n",
			name, *month, *village)
		return nil
	}
	fmt.Fprintf(stdout, "已写好 %s：每户一行，填上事项和分值（日期改成事情发生的那天）；没有填的行不算数\n", name)
	return nil
}

// templateOut says what is wrong with writing a template of format to out, or "": a name whose
// extension is the other format's, or a workbook in the records, where it has no place.
func templateOut(out, format, records string) string {
	if ext := strings.ToLower(filepath.Ext(out)); (ext == ".csv" || ext == ".xlsx") && ext != "."+format {
		return fmt.Sprintf("--out %s is a %s file, but --format is %s", out, ext, format)
	}
	if format != "xlsx" || out == "-" {
		return ""
	}
	abs, err1 := filepath.Abs(cmp.Or(out, "."))
	base, err2 := filepath.Abs(records)
	if rel, err := filepath.Rel(base, abs); err1 == nil && err2 == nil && err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Sprintf("a workbook has no place in the records (%s): write it elsewhere with --out, fill it in, and commit the CSV file saved from it", records)
	}
	return ""
}

// templateVillage loads the records in dir and finds the village with id.
func templateVillage(dir, id string, stderr io.Writer) (*town.Town, *town.Village, error) {
	src, err := records.WorkingTree(dir)
	if err != nil {
		return nil, nil, err
	}
	t, diags := town.Load(src, town.Options{Now: time.Now()})
	if t == nil {
		diags.WriteText(stderr, "zh")
		return nil, nil, errBadRecords
	}
	for _, v := range t.Villages {
		if v.ID == id {
			return t, v, nil
		}
	}
	fmt.Fprintf(stderr, "jifen template: no village %q in %s (see town.toml)\n", id, dir)
	return nil, nil, errUsage
}

// itemCodes are the codes of the rule set's items and vetoes, for the workbook's drop-down; none
// when no rule set is in force.
func itemCodes(rs *rules.RuleSet) []sheet.ItemCode {
	if rs == nil {
		return nil
	}
	var codes []sheet.ItemCode
	for _, it := range rs.Items {
		codes = append(codes, sheet.ItemCode{ID: it.ID, Name: it.Name, Points: it.Allowed(), Cap: it.Cap,
			Yearly: it.CapPeriod.Yearly(), Evidence: it.Evidence})
	}
	for _, v := range rs.Vetoes {
		codes = append(codes, sheet.ItemCode{ID: v.ID, Name: v.Name, Veto: true})
	}
	return codes
}

// writeNew writes data to a new file name, making its folder; it refuses a file that exists.
func writeNew(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
