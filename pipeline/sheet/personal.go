package sheet

import (
	"strings"

	"github.com/jifen-project/jifen/pipeline/check"
)

// PersonalData finds the first resident ID number or mainland mobile number in s, and returns
// its code (check.IDNumber or check.MobileNumber) and the number masked.
func PersonalData(s string) (check.Code, string, bool) { return personalData(s) }

// personalData finds the first resident ID number or mainland mobile number in s, and returns
// its code and the number masked. Digits may be ASCII or full-width (what Chinese input methods
// type). A number counts only as a whole run of digits: an ID is 18 digits (the last may be X)
// with a valid ISO 7064 MOD 11-2 check digit; a mobile number is 11 digits 1[3-9]xxxxxxxxx,
// also when written 138 0000 0000 or 138-0000-0000.
func personalData(s string) (check.Code, string, bool) {
	if !hasDigits(s, 11) || noNumber(s) {
		return "", "", false
	}
	return findNumber(s)
}

// findNumber is personalData without its shortcuts.
func findNumber(s string) (check.Code, string, bool) {
	s = strings.Map(func(r rune) rune {
		switch {
		case '\uFF10' <= r && r <= '\uFF19':
			return '0' + r - '\uFF10'
		case r == '\uFF38' || r == 'x':
			return 'X'
		}
		return r
	}, s)
	type run struct{ start, end int }
	var runs []run
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		runs = append(runs, run{i, j})
		i = j
	}
	for k, r := range runs {
		digits := s[r.start:r.end]
		switch {
		case len(digits) == 17 && r.end < len(s) && s[r.end] == 'X' && (r.end+1 == len(s) || !isAlnum(s[r.end+1])) && idCheck(digits) == 'X',
			len(digits) == 18 && idCheck(digits[:17]) == digits[17]:
			return check.IDNumber, digits[:6] + strings.Repeat("*", 12), true
		case mobile(digits):
			return check.PhoneNumber, digits[:7] + "****", true
		case k+2 < len(runs) && len(digits) == 3 && mobile(digits+"00000000"):
			a, b := runs[k+1], runs[k+2]
			if a.start == r.end+1 && b.start == a.end+1 && a.end-a.start == 4 && b.end-b.start == 4 &&
				isSeparator(s[r.end]) && s[a.end] == s[r.end] {
				return check.PhoneNumber, digits + s[a.start:a.end] + "****", true
			}
		}
	}
	return "", "", false
}

// hasDigits reports whether s has at least n digits, ASCII or full-width (EF BC 90–99 in
// UTF-8). It looks at bytes: most notes have none, and it runs on every one.
func hasDigits(s string, n int) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) || s[i] == 0xEF && i+2 < len(s) && s[i+1] == 0xBC && 0x90 <= s[i+2] && s[i+2] <= 0x99 {
			if n--; n == 0 {
				return true
			}
		}
	}
	return false
}

// noNumber reports, in one pass over the bytes, that s cannot hold the numbers personalData
// looks for, as most evidence does (评议记录V018-2025-07-001): it has no full-width character, no
// run of 11 digits or more, and no 3 digits followed by 4 and 4 after a space or a hyphen.
func noNumber(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case isDigit(b):
			if run++; run >= 11 {
				return false
			}
			continue
		case b == 0xEF, run == 3 && spacedMobile(s[i:]):
			return false
		}
		run = 0
	}
	return true
}

// spacedMobile reports whether s begins with the rest of a mobile number written 138 0000 0000
// or 138-0000-0000, after its first 3 digits.
func spacedMobile(s string) bool {
	digits := func(t string) bool { return strings.IndexFunc(t, func(r rune) bool { return r < '0' || r > '9' }) < 0 }
	return len(s) >= 10 && isSeparator(s[0]) && digits(s[1:5]) && s[5] == s[0] && digits(s[6:10]) && (len(s) == 10 || !isDigit(s[10]))
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func isAlnum(b byte) bool { return isDigit(b) || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

func isSeparator(b byte) bool { return b == ' ' || b == '-' }

// mobile reports whether digits are a mainland mobile number.
func mobile(digits string) bool {
	return len(digits) == 11 && digits[0] == '1' && digits[1] >= '3'
}

// idCheck is the check character of the first 17 digits of a resident ID (GB 11643, ISO 7064
// MOD 11-2).
func idCheck(digits string) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}
