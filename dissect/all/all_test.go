package all

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
)

// TestEveryPackageRegistered: each dissect/<proto> package exporting a
// Dissector appears in the list (one registration line per protocol).
func TestEveryPackageRegistered(t *testing.T) {
	reg := Registry()
	names := map[string]bool{}
	for i := 0; i < reg.Len(); i++ {
		d := reg.At(i)
		names[d.Name] = true
		if d.Transport&dissect.Both == 0 {
			t.Errorf("%s: no transport", d.Name)
		}
	}
	dirs, _ := filepath.Glob("../*")
	for _, dir := range dirs {
		base := filepath.Base(dir)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() || base == "all" || base == "internal" || base == "dissecttest" {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		found := false
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, _ := os.ReadFile(f)
			if strings.Contains(string(b), "&dissect.Dissector{") {
				found = true
			}
		}
		if found && !strings.Contains(listSource(t), "netsift/dissect/"+base+"\"") {
			t.Errorf("package dissect/%s defines a Dissector but is not registered in all.go", base)
		}
	}
}

func listSource(t *testing.T) string {
	b, err := os.ReadFile("all.go")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestImportRules enforces the architecture (STYLE.md): decode and event
// import nothing of netsift; a dissector imports only dissect, event and
// dissect/internal; outputs never import dissectors; capture, flow and
// stream stay below the engine.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "github.com/netsift/netsift/...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	const mod = "github.com/netsift/netsift/"
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkg := strings.TrimPrefix(p.ImportPath, mod)
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			dep := strings.TrimPrefix(imp, mod)
			bad := false
			switch {
			case pkg == "decode" || pkg == "event":
				bad = true
			case strings.HasPrefix(pkg, "dissect/") && pkg != "dissect/all" && pkg != "dissect/dissecttest" && !strings.HasPrefix(pkg, "dissect/internal"):
				bad = dep != "dissect" && dep != "event" && !strings.HasPrefix(dep, "dissect/internal")
			case strings.HasPrefix(pkg, "output/"):
				bad = strings.HasPrefix(dep, "dissect") || dep == "engine"
			case pkg == "capture" || strings.HasPrefix(pkg, "capture/") || pkg == "flow" || pkg == "stream" || pkg == "services":
				bad = dep == "engine" || strings.HasPrefix(dep, "dissect") || strings.HasPrefix(dep, "output")
			}
			if bad {
				t.Errorf("%s imports %s, against the architecture's import rules", pkg, dep)
			}
		}
	}
}
