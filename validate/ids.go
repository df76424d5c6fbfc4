package validate

import (
	"strconv"
	"strings"
	"unicode"
)

// The Normalize functions below take an identifier as typed, with any of the
// usual separators (spaces, dots, dashes, slashes), and return the form to
// store and "" when it is valid. On failure they return "" and the Code;
// a blank s gives CodeRequired, as in Check.

// NormalizeNISS checks a Portuguese social security number: 11 digits, the
// first 1 (person) or 2 (organisation), and its check digit.
func NormalizeNISS(s string) (string, Code) {
	d, c := digits(s, 11)
	if c != "" {
		return "", c
	}
	if d[0] != '1' && d[0] != '2' {
		return "", CodeFormat
	}
	sum := 0
	for i, w := range [10]int{29, 23, 19, 17, 13, 11, 7, 5, 3, 2} {
		sum += w * num(d[i])
	}
	if num(d[10]) != 9-sum%10 {
		return "", CodeCheckDigit
	}
	return d, ""
}

// NormalizeNIF checks a Portuguese tax number (NIF or NIPC): 9 digits, a
// prefix in use and the mod-11 check digit. A leading "PT", as written on
// VAT invoices, is dropped.
func NormalizeNIF(s string) (string, Code) {
	d := compact(s)
	if len(d) == 11 && strings.EqualFold(d[:2], "PT") {
		d = d[2:]
	}
	d, c := digits(d, 9)
	if c != "" {
		return "", c
	}
	if !nifPrefix(d) {
		return "", CodeFormat
	}
	sum := 0
	for i := range 8 {
		sum += (9 - i) * num(d[i])
	}
	if num(d[8]) != mod11(sum) {
		return "", CodeCheckDigit
	}
	return d, ""
}

// nifPrefix reports whether the NIF starts with a prefix the tax authority
// assigns; 8 (sole traders) is obsolete but old numbers still circulate.
func nifPrefix(d string) bool {
	switch d[0] {
	case '1', '2', '3', '5', '6', '8':
		return true
	case '4':
		return d[1] == '5'
	case '7':
		return strings.IndexByte("01245789", d[1]) >= 0
	case '9':
		return strings.IndexByte("0189", d[1]) >= 0
	}
	return false
}

// NormalizeNNU checks a número de utente of the Portuguese health service:
// 9 digits, the first 1–7 or 9. Its ISO 7064 MOD 11,10 check digit is not
// officially published, so a mismatch returns the value together with
// CodeCheckDigitUnverified: a warning to show, never a rejection.
func NormalizeNNU(s string) (string, Code) {
	d, c := digits(s, 9)
	if c != "" {
		return "", c
	}
	if d[0] == '0' || d[0] == '8' {
		return "", CodeFormat
	}
	if !mod11x10(d) {
		return d, CodeCheckDigitUnverified
	}
	return d, ""
}

// mod11x10 reports whether d (check digit last) passes ISO 7064 MOD 11,10.
func mod11x10(d string) bool {
	p := 10
	for i := range len(d) {
		s := (p + num(d[i])) % 10
		if s == 0 {
			s = 10
		}
		if i == len(d)-1 {
			return s == 1
		}
		p = s * 2 % 11
	}
	return false
}

// NormalizeCedula checks a cédula profissional (Ordem dos Médicos): 1 to 6
// digits. There is no public check digit, so only the shape is checked.
func NormalizeCedula(s string) (string, Code) {
	d, c := digits(s, 0)
	if c != "" {
		return "", c
	}
	if len(d) > 6 {
		return "", CodeFormat
	}
	return d, ""
}

// NormalizeCC checks the document number of a Cartão de Cidadão, 12
// characters: 9 digits (the civil number and its check digit), a 2-letter
// version and a final check digit over the whole. It returns the number in
// uppercase without separators, such as 123456789ZZ1.
func NormalizeCC(s string) (string, Code) {
	d, c := prep(s)
	if c != "" {
		return "", c
	}
	d = upperASCII(d)
	if len(d) != 12 || !allDigits(d[:9]) || !isUpper(d[9]) || !isUpper(d[10]) || !isDigit(d[11]) {
		return "", CodeFormat
	}
	// Luhn over base 36: from the right, every second value is doubled.
	sum := 0
	for i := range 12 {
		v := num(d[11-i])
		if isUpper(d[11-i]) {
			v = int(d[11-i]-'A') + 10
		}
		if i%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	if sum%10 != 0 {
		return "", CodeCheckDigit
	}
	return d, ""
}

// NormalizeCPF checks a Brazilian individual taxpayer number: 11 digits,
// two mod-11 check digits. Eleven equal digits pass the arithmetic but are
// never issued (they are what people type to get past a form), so they fail
// with CodeCheckDigit.
func NormalizeCPF(s string) (string, Code) {
	d, c := digits(s, 11)
	if c != "" {
		return "", c
	}
	if strings.Count(d, d[:1]) == len(d) {
		return "", CodeCheckDigit
	}
	for n := 9; n <= 10; n++ {
		sum := 0
		for i := range n {
			sum += (n + 1 - i) * num(d[i])
		}
		if num(d[n]) != mod11(sum) {
			return "", CodeCheckDigit
		}
	}
	return d, ""
}

// NormalizeCNPJ checks a Brazilian company number: 14 characters, the
// first 12 digits or (from July 2026) uppercase letters, the last two
// numeric check digits. Letters count as their ASCII code minus 48. It
// returns the 14 characters in uppercase. Fourteen equal characters are
// rejected with CodeCheckDigit, as for CPF.
func NormalizeCNPJ(s string) (string, Code) {
	d, c := prep(s)
	if c != "" {
		return "", c
	}
	d = upperASCII(d)
	if len(d) != 14 || !isDigit(d[12]) || !isDigit(d[13]) {
		return "", CodeFormat
	}
	for i := range 12 {
		if !isDigit(d[i]) && !isUpper(d[i]) {
			return "", CodeFormat
		}
	}
	if strings.Count(d, d[:1]) == len(d) {
		return "", CodeCheckDigit
	}
	weights := [13]int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}
	for n := 12; n <= 13; n++ {
		sum := 0
		for i, w := range weights[13-n:] {
			sum += w * int(d[i]-'0')
		}
		if num(d[n]) != mod11(sum) {
			return "", CodeCheckDigit
		}
	}
	return d, ""
}

// NormalizeCNS checks a Cartão Nacional de Saúde number: 15 digits. Numbers
// starting with 1 or 2 are an 11-digit PIS, a "000" or "001" infix and a
// mod-11 digit; numbers starting with 7, 8 or 9 have a weighted sum (15
// down to 1) divisible by 11. Other first digits are not issued.
func NormalizeCNS(s string) (string, Code) {
	d, c := digits(s, 15)
	if c != "" {
		return "", c
	}
	switch d[0] {
	case '1', '2':
		sum := 0
		for i := range 11 {
			sum += (15 - i) * num(d[i])
		}
		dv, infix := 11-sum%11, "000"
		if dv == 11 {
			dv = 0
		}
		if dv == 10 {
			dv, infix = 11-(sum+2)%11, "001"
		}
		if d[11:] != infix+strconv.Itoa(dv) {
			return "", CodeCheckDigit
		}
	case '7', '8', '9':
		sum := 0
		for i := range 15 {
			sum += (15 - i) * num(d[i])
		}
		if sum%11 != 0 {
			return "", CodeCheckDigit
		}
	default:
		return "", CodeFormat
	}
	return d, ""
}

// NormalizeUASG checks a Brazilian purchasing unit code: up to 6 digits,
// returned left-padded with zeros to 6.
func NormalizeUASG(s string) (string, Code) {
	d, c := digits(s, 0)
	if c != "" {
		return "", c
	}
	if len(d) > 6 {
		return "", CodeFormat
	}
	return strings.Repeat("0", 6-len(d)) + d, ""
}

// mod11 is the check digit shared by NIF, CPF and CNPJ: 11 − (sum mod 11),
// or 0 when that would be 10 or 11.
func mod11(sum int) int {
	if r := sum % 11; r >= 2 {
		return 11 - r
	}
	return 0
}

// compact drops the separators people type inside identifiers: blanks
// (including the no-break spaces that come with copy and paste), dots,
// slashes and any kind of dash.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '/' || unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
			return -1
		}
		return r
	}, s)
}

// prep compacts s and reports CodeRequired when nothing is left.
func prep(s string) (string, Code) {
	d := compact(s)
	if d == "" {
		return "", CodeRequired
	}
	return d, ""
}

// digits compacts s and checks it is all ASCII digits, exactly n of them
// unless n is 0.
func digits(s string, n int) (string, Code) {
	d, c := prep(s)
	if c != "" {
		return "", c
	}
	if !allDigits(d) || (n > 0 && len(d) != n) {
		return "", CodeFormat
	}
	return d, ""
}

func allDigits(s string) bool {
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
func isUpper(b byte) bool { return 'A' <= b && b <= 'Z' }
func num(b byte) int      { return int(b - '0') }

// upperASCII uppercases ASCII letters only: unicode.ToUpper would turn
// look-alikes such as 'ı' or 'ſ' into valid letters.
func upperASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}
