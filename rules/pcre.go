package rules

import (
	"strings"

	"github.com/dlclark/regexp2"
)

// Regexp2Options maps the PCRE flags that change regex syntax or meaning to
// regexp2 options. A (anchored), E (dollar end only) and G (ungreedy) have
// no regexp2 option; a matcher has to rewrite the pattern for them.
func (p *PCRE) Regexp2Options() regexp2.RegexOptions {
	var o regexp2.RegexOptions
	if p.Caseless {
		o |= regexp2.IgnoreCase
	}
	if p.Multiline {
		o |= regexp2.Multiline
	}
	if p.DotAll {
		o |= regexp2.Singleline
	}
	if p.Extended {
		o |= regexp2.IgnorePatternWhitespace
	}
	return o
}

// Regexp2Pattern returns the pattern rewritten for regexp2 (.NET syntax):
// each byte becomes one rune (Latin-1), so the matcher must feed input the
// same way; PCRE's (?P<name>..) and (?P=name) become (?<name>..) and
// \k<name>; possessive quantifiers (X*+, X++, X?+, X{n,m}+) become atomic
// groups (?>X*); and "\_" (PCRE: a literal '_') becomes '_'.
func (p *PCRE) Regexp2Pattern() string {
	src := p.Pattern
	out := make([]rune, 0, len(src)+8)
	var stack []int // output index of each open group
	atom := -1      // output index where the last atom starts
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inClass {
			switch {
			case c == '\\' && i+1 < len(src):
				var e string
				e, i = pcreEscape(src, i)
				out = append(out, []rune(e)...)
			case c == ']':
				out = append(out, ']')
				inClass = false
			default:
				out = append(out, rune(c))
			}
			continue
		}
		switch c {
		case '\\':
			atom = len(out)
			if i+1 < len(src) {
				var e string
				e, i = pcreEscape(src, i)
				out = append(out, []rune(e)...)
			} else {
				out = append(out, '\\')
			}
		case '[':
			atom = len(out)
			out = append(out, '[')
			inClass = true
			// A ']' right after '[' or '[^' is a literal member.
			if i+1 < len(src) && src[i+1] == '^' {
				out = append(out, '^')
				i++
			}
			if i+1 < len(src) && src[i+1] == ']' {
				out = append(out, ']')
				i++
			}
		case '(':
			rest := src[i:]
			switch {
			case strings.HasPrefix(rest, "(?P<"):
				stack = append(stack, len(out))
				out = append(out, []rune("(?<")...)
				i += 3
				continue
			case strings.HasPrefix(rest, "(?P="):
				if end := strings.IndexByte(rest, ')'); end > 0 {
					atom = len(out)
					out = append(out, []rune("\\k<"+rest[4:end]+">")...)
					i += end
					continue
				}
			}
			stack = append(stack, len(out))
			out = append(out, '(')
		case ')':
			out = append(out, ')')
			if n := len(stack); n > 0 {
				atom, stack = stack[n-1], stack[:n-1]
			}
		case '*', '+', '?', '{':
			q := 1
			if c == '{' {
				end := strings.IndexByte(src[i:], '}')
				if end < 0 || !isQuantBody(src[i+1:i+end]) {
					atom = len(out)
					out = append(out, '{')
					continue
				}
				q = end + 1
			}
			for k := 0; k < q; k++ {
				out = append(out, rune(src[i+k]))
			}
			i += q - 1
			if i+1 < len(src) && src[i+1] == '+' && atom >= 0 {
				i++ // possessive: wrap atom+quantifier in an atomic group
				body := append([]rune("(?>"), out[atom:]...)
				out = append(append(out[:atom], body...), ')')
			}
		default:
			atom = len(out)
			out = append(out, rune(c))
		}
	}
	return string(out)
}

// pcreEscape translates the escape at src[i] ('\\') and returns it with the
// index of its last byte. PCRE's \xH (one digit) and \x{HHHH} become \x0H and
// \uHHHH; "\_" becomes "_"; everything else is copied.
func pcreEscape(src string, i int) (string, int) {
	c := src[i+1]
	switch c {
	case '_':
		return "_", i + 1
	case 'x':
		j := i + 2
		if j < len(src) && src[j] == '{' {
			end := strings.IndexByte(src[j:], '}')
			if end > 1 && end <= 5 {
				h := src[j+1 : j+end]
				if isHex(h) {
					return "\\u" + strings.Repeat("0", 4-len(h)) + h, j + end
				}
			}
			return src[i : i+2], i + 1
		}
		n := 0
		for n < 2 && j+n < len(src) && HexDigit(src[j+n]) >= 0 {
			n++
		}
		switch n {
		case 0:
			return "\\x00", i + 1
		case 1:
			return "\\x0" + src[j:j+1], j
		}
		return src[i : j+2], j + 1
	}
	return "\\" + string(rune(c)), i + 1 // rune(c): Latin-1, even for bytes >= 0x80
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if HexDigit(s[i]) < 0 {
			return false
		}
	}
	return s != ""
}

func isQuantBody(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] == ',') {
			return false
		}
	}
	return s[0] != ','
}

// compileCheck reports whether regexp2 accepts the pattern, so a rule the
// engine could not run does not load; the compiled regex is kept for the
// matcher (Compiled), which would otherwise compile it again (ET Open's
// ~5,000 pcre made that a third of the matcher's compile time).
func (p *PCRE) compileCheck() error {
	re, err := regexp2.Compile(p.MatcherPattern(), p.Regexp2Options())
	p.re = re
	return err
}

// MatcherPattern is Regexp2Pattern with the A flag applied (anchored at
// the start of the inspected data).
func (p *PCRE) MatcherPattern() string {
	if p.Anchored {
		return `\A(?:` + p.Regexp2Pattern() + `)`
	}
	return p.Regexp2Pattern()
}

// Compiled returns the regex compiled from MatcherPattern when the rule
// was parsed (nil for a PCRE built by hand). It is shared: set options
// such as MatchTimeout once, before matching starts.
func (p *PCRE) Compiled() *regexp2.Regexp { return p.re }
