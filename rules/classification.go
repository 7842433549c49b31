package rules

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Classification is one classtype from classification.config: EVE's
// alert.category is Description, alert.severity the rule's priority or
// else Priority.
type Classification struct {
	Name        string
	Description string
	Priority    int
}

// LoadClassificationConfig reads a Suricata classification.config.
func LoadClassificationConfig(path string) (map[string]Classification, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseClassificationConfig(path, f)
}

// ParseClassificationConfig parses lines of the form
// "config classification: name,description,priority"; '#' starts a comment.
// name is used in messages.
func ParseClassificationConfig(name string, r io.Reader) (map[string]Classification, error) {
	m := map[string]Classification{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		rest, ok := strings.CutPrefix(line, "config classification:")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want \"config classification: name,description,priority\"", name, n)
		}
		parts := strings.Split(rest, ",")
		if len(parts) != 3 {
			return nil, fmt.Errorf("%s:%d: want 3 comma-separated fields (name,description,priority), got %d", name, n, len(parts))
		}
		prio, err := strconv.Atoi(strings.TrimSpace(parts[2]))
		if err != nil || prio < 1 || prio > 255 {
			return nil, fmt.Errorf("%s:%d: bad priority %q (want 1-255)", name, n, strings.TrimSpace(parts[2]))
		}
		c := Classification{Name: strings.TrimSpace(parts[0]), Description: strings.TrimSpace(parts[1]), Priority: prio}
		m[c.Name] = c
	}
	return m, sc.Err()
}

// SetClassifications makes the parser reject rules whose classtype is not
// in m, as Suricata does once classification.config is loaded. nil turns
// the check off (the default).
func (p *Parser) SetClassifications(m map[string]Classification) { p.classes = m }
