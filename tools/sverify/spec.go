package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Spec is one suricata-verify test: its folder and its test.yaml.
type Spec struct {
	Name string // path under tests/, e.g. "dns/dns-ptr"
	Dir  string // absolute folder
	Raw  map[string]any
	// Requires is the test-level requires block (nil when absent).
	// The misspelled "requirements" key is ignored, as upstream run.py does.
	Requires map[string]any
	Args     []string
	Checks   []map[string]any
	// Pcap is the capture path ("" when none), Rules the rule file ("" when none).
	Pcap, Rules string
}

// LoadSpec reads dir/test.yaml. name is the test's path under tests/.
func LoadSpec(dir, name string) (*Spec, error) {
	p := filepath.Join(dir, "test.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %v (fix the YAML)", p, err)
	}
	if raw == nil {
		raw = map[string]any{}
	}
	s := &Spec{Name: name, Dir: dir, Raw: raw}
	if r, ok := raw["requires"].(map[string]any); ok {
		s.Requires = r
	}
	switch a := raw["args"].(type) {
	case []any:
		for _, x := range a {
			// run.py splits each entry on whitespace.
			s.Args = append(s.Args, strings.Fields(fmt.Sprint(x))...)
		}
	case string:
		s.Args = strings.Fields(a)
	}
	if cs, ok := raw["checks"].([]any); ok {
		for i, c := range cs {
			m, ok := c.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: checks[%d] is %T, want a mapping", p, i, c)
			}
			s.Checks = append(s.Checks, m)
		}
	}
	switch v := raw["pcap"].(type) {
	case string:
		s.Pcap = filepath.Join(dir, v)
	case bool:
		// pcap: false → none
	default:
		s.Pcap = single(dir, "*.pcap", "*.pcapng")
	}
	if v, ok := raw["rules"].(string); ok {
		s.Rules = filepath.Join(dir, v)
	} else {
		s.Rules = single(dir, "*.rules")
	}
	return s, nil
}

// single returns the one file in dir matching any pattern, or "" when
// there is none or more than one.
func single(dir string, pats ...string) string {
	var all []string
	for _, p := range pats {
		m, _ := filepath.Glob(filepath.Join(dir, p))
		all = append(all, m...)
	}
	if len(all) != 1 {
		return ""
	}
	return all[0]
}

// Claims is what netsift says it is when a test asks: the Suricata version
// whose behaviour its EVE output follows, and the build features it has.
type Claims struct {
	Version  Version
	Features map[string]bool
}

// DefaultClaims: netsift's EVE follows Suricata's schema.json at main
// (9.0 development, 2026-08-21, ../shared/corpus/eve-schema), and it
// computes JA3 and JA4 itself. Everything else Suricata builds in (Lua,
// libmagic, NSS, libnet, hyperscan, QA simulation…) is not claimed.
func DefaultClaims() Claims {
	return Claims{
		Version:  Version{9, 0, 0},
		Features: map[string]bool{"RUST": true, "HAVE_JA3": true, "HAVE_JA4": true},
	}
}

// Version is a Suricata version; a missing minor/patch is -1.
type Version [3]int

// ParseVersion parses "8", "8.0", "8.0.3", "7.0.0-dev" or a YAML number.
func ParseVersion(v any) (Version, error) {
	s := strings.TrimSpace(fmt.Sprint(v))
	out := Version{-1, -1, -1}
	for i, part := range strings.SplitN(s, ".", 3) {
		part = strings.TrimRightFunc(part, func(r rune) bool { return r < '0' || r > '9' })
		if j := strings.IndexFunc(part, func(r rune) bool { return r < '0' || r > '9' }); j >= 0 {
			part = part[:j]
		}
		n, err := strconv.Atoi(part)
		if err != nil {
			if i == 0 {
				return out, fmt.Errorf("version %q: want N[.N[.N]]", s)
			}
			break
		}
		out[i] = n
	}
	return out, nil
}

func (v Version) String() string {
	s := strconv.Itoa(v[0])
	for _, x := range v[1:] {
		if x < 0 {
			break
		}
		s += "." + strconv.Itoa(x)
	}
	return s
}

// cmp compares like run.py: missing parts of b count as 0.
func (v Version) cmp(b Version) int {
	for i := range 3 {
		x, y := max(v[i], 0), max(b[i], 0)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// inFamily reports whether b (e.g. "8.0") names a version family v is in.
func (v Version) inFamily(b Version) bool {
	for i := range 3 {
		if b[i] >= 0 && v[i] >= 0 && b[i] != v[i] {
			return false
		}
	}
	return true
}

// Unmet returns why requires r is not satisfied by c ("" when it is).
// Requirement keys netsift cannot evaluate (script, lambda, files from
// Suricata's source tree, config) are unmet, with the reason.
func (c Claims) Unmet(r map[string]any) string {
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := r[k]
		switch k {
		case "min-version", "lt-version", "gt-version", "version":
			want, err := ParseVersion(v)
			if err != nil {
				return "requires " + k + ": " + err.Error()
			}
			d := c.Version.cmp(want)
			switch {
			case k == "min-version" && d < 0:
				return fmt.Sprintf("needs Suricata >= %s (netsift claims %s)", want, c.Version)
			case k == "lt-version" && d >= 0:
				return fmt.Sprintf("asserts the behaviour of Suricata < %s", want)
			case k == "gt-version" && d <= 0:
				return fmt.Sprintf("needs Suricata > %s", want)
			case k == "version" && !c.Version.inFamily(want):
				return fmt.Sprintf("only for Suricata %s", want)
			}
		case "features":
			for _, f := range list(v) {
				if !c.Features[f] {
					return "needs feature " + f
				}
			}
		case "not-features":
			for _, f := range list(v) {
				if c.Features[f] {
					return "not for feature " + f
				}
			}
		case "env":
			for _, e := range list(v) {
				if _, ok := os.LookupEnv(e); !ok {
					return "needs environment variable " + e
				}
			}
		case "os":
			if !strings.EqualFold(fmt.Sprint(v), runtime.GOOS) {
				return "only for OS " + fmt.Sprint(v)
			}
		case "arch":
			if !strings.Contains(fmt.Sprint(v), runtime.GOARCH) {
				return "only for arch " + fmt.Sprint(v)
			}
		case "pcap":
			if b, ok := v.(bool); ok && !b {
				return "runs without a pcap (command test)"
			}
		case "files":
			return "needs Suricata source files " + strings.Join(list(v), ", ")
		case "script":
			return "needs a shell-script requirement"
		case "lambda":
			return "needs a Python lambda requirement"
		case "config":
			return "needs Suricata config values"
		default:
			return "unknown requirement " + k
		}
	}
	return ""
}

// list turns a YAML scalar, list or mapping (keys) into strings.
func list(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = fmt.Sprint(e)
		}
		return out
	case map[string]any:
		var out []string
		for k := range x {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	case nil:
		return nil
	default:
		return []string{fmt.Sprint(x)}
	}
}
