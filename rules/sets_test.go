package rules

import (
	"net/netip"
	"strings"
	"testing"
)

func TestAddrGroup(t *testing.T) {
	v := DefaultVars()
	tests := []struct {
		expr      string
		in, notIn []string
	}{
		{"any", []string{"1.2.3.4", "2001:db8::1"}, nil},
		{"192.0.2.1", []string{"192.0.2.1"}, []string{"192.0.2.2"}},
		{"192.0.2.0/24", []string{"192.0.2.0", "192.0.2.255"}, []string{"192.0.3.0"}},
		{"192.0.2.0/255.255.255.0", []string{"192.0.2.9"}, []string{"192.0.3.0"}},
		{"192.0.2.10-192.0.2.20", []string{"192.0.2.10", "192.0.2.20"}, []string{"192.0.2.9", "192.0.2.21"}},
		{"!192.0.2.0/24", []string{"198.51.100.1", "2001:db8::1"}, []string{"192.0.2.7"}},
		{"[192.0.2.0/24,!192.0.2.128/25]", []string{"192.0.2.1"}, []string{"192.0.2.200", "198.51.100.1"}},
		{"[192.0.2.0/24,[198.51.100.0/24,!198.51.100.7]]", []string{"192.0.2.1", "198.51.100.8"}, []string{"198.51.100.7"}},
		{"[!192.0.2.1, !2001:db8::/32]", []string{"192.0.2.2", "2001:db9::1"}, []string{"192.0.2.1", "2001:db8::5"}},
		{"2001:db8::/32", []string{"2001:db8::1", "::ffff:0:0"[:0] + "2001:db8:ffff::"}, []string{"2001:db9::", "192.0.2.1"}},
		{"$HOME_NET", []string{"10.1.2.3", "192.168.1.1", "172.31.255.255"}, []string{"172.32.0.0", "8.8.8.8"}},
		{"$EXTERNAL_NET", []string{"8.8.8.8", "2001:db8::1"}, []string{"10.0.0.1"}},
		{"$AIM_SERVERS", []string{"8.8.8.8"}, []string{"10.0.0.1"}},
		{"[$HOME_NET,!10.0.0.0/16]", []string{"10.1.0.0"}, []string{"10.0.5.5"}},
		{"0.0.0.0/0", []string{"255.255.255.255", "0.0.0.0"}, []string{"::1"}},
	}
	for _, tt := range tests {
		s, err := ParseAddrGroup(tt.expr, v)
		if err != nil {
			t.Errorf("%q: %v", tt.expr, err)
			continue
		}
		for _, a := range tt.in {
			if !s.Contains(netip.MustParseAddr(a)) {
				t.Errorf("%q %s: Contains(%s) = false, want true", tt.expr, s, a)
			}
		}
		for _, a := range tt.notIn {
			if s.Contains(netip.MustParseAddr(a)) {
				t.Errorf("%q %s: Contains(%s) = true, want false", tt.expr, s, a)
			}
		}
	}
	if s, _ := ParseAddrGroup("any", v); !s.IsAny() {
		t.Error("any: IsAny false")
	}
	if s, _ := ParseAddrGroup("[192.0.2.1,192.0.2.2,192.0.2.3]", v); s.String() != "[192.0.2.1-192.0.2.3]" {
		t.Errorf("merge: %s", s)
	}
}

func TestAddrGroupErrors(t *testing.T) {
	v := DefaultVars()
	v.AddressGroups["LOOP"] = "$LOOP"
	tests := map[string]string{
		"!any":                         `address group "!any" matches no address`,
		"192.0.2.300":                  `bad address "192.0.2.300" (want an IP, CIDR, range, any, $VAR or a [list])`,
		"192.0.2.0/33":                 `bad prefix length "33" in "192.0.2.0/33" (want 0-32)`,
		"$NOPE":                        `undefined address variable $NOPE (define it under vars.address-groups)`,
		"[192.0.2.1":                   `address list "[192.0.2.1" lacks its closing ']'`,
		"[192.0.2.1,]":                 `empty address`,
		"192.0.2.9-192.0.2.1":          `bad address range "192.0.2.9-192.0.2.1" (start after end or mixed families)`,
		"$LOOP":                        `address group nested deeper than 16 (a variable refers to itself?)`,
		"[192.0.2.0/24,!192.0.2.0/24]": `address group "[192.0.2.0/24,!192.0.2.0/24]" matches no address`,
	}
	for expr, want := range tests {
		_, err := ParseAddrGroup(expr, v)
		if err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", expr, err, want)
		}
	}
}

func TestPortGroup(t *testing.T) {
	v := DefaultVars()
	tests := []struct {
		expr      string
		in, notIn []uint16
	}{
		{"any", []uint16{0, 80, 65535}, nil},
		{"80", []uint16{80}, []uint16{81}},
		{"1024:", []uint16{1024, 65535}, []uint16{1023}},
		{":1023", []uint16{0, 1023}, []uint16{1024}},
		{"[80:90,!85]", []uint16{80, 84, 86, 90}, []uint16{85, 91}},
		{"!80", []uint16{79, 81}, []uint16{80}},
		{"$HTTP_PORTS", []uint16{80}, []uint16{8080}},
		{"$SHELLCODE_PORTS", []uint16{81}, []uint16{80}},
		{"$FILE_DATA_PORTS", []uint16{80, 110, 143}, []uint16{25}},
		{"[!$HTTP_PORTS,!443]", []uint16{22}, []uint16{80, 443}},
		{"[1:5,[10,!3]]", []uint16{1, 3, 10}, []uint16{6, 11}}, // the inner negation only limits the inner list
	}
	for _, tt := range tests {
		s, err := ParsePortGroup(tt.expr, v)
		if err != nil {
			t.Errorf("%q: %v", tt.expr, err)
			continue
		}
		for _, p := range tt.in {
			if !s.Contains(p) {
				t.Errorf("%q %s: Contains(%d) = false", tt.expr, s, p)
			}
		}
		for _, p := range tt.notIn {
			if s.Contains(p) {
				t.Errorf("%q %s: Contains(%d) = true", tt.expr, s, p)
			}
		}
	}
	errs := map[string]string{
		"70000": `bad port "70000" (want 0-65535, a:b, a:, :b, any, $VAR or a [list])`,
		"90:80": `bad port range "90:80" (start after end)`,
		"!any":  `port group "!any" matches no port`,
		"$NOPE": `undefined port variable $NOPE (define it under vars.port-groups)`,
		"[80,":  `port list "[80," lacks its closing ']'`,
	}
	for expr, want := range errs {
		_, err := ParsePortGroup(expr, v)
		if err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", expr, err, want)
		}
	}
}

func TestVarsSet(t *testing.T) {
	v := DefaultVars()
	if err := v.Set("vars.address-groups.HOME_NET", "[192.0.2.0/24]"); err != nil {
		t.Fatal(err)
	}
	if err := v.Set("HTTP_PORTS", "[80,8080]"); err != nil {
		t.Fatal(err)
	}
	if err := v.Set("vars.MY_PORTS", "1:10"); err != nil {
		t.Fatal(err)
	}
	if _, ok := v.PortGroups["MY_PORTS"]; !ok {
		t.Error("vars.MY_PORTS not a port group")
	}
	ext, _ := ParseAddrGroup("$EXTERNAL_NET", v)
	if ext.Contains(netip.MustParseAddr("192.0.2.5")) || !ext.Contains(netip.MustParseAddr("10.0.0.1")) {
		t.Errorf("EXTERNAL_NET did not follow HOME_NET: %s", ext)
	}
	p, _ := ParsePortGroup("$HTTP_PORTS", v)
	if !p.Contains(8080) {
		t.Error("HTTP_PORTS override lost")
	}
	err := v.Set("HOME_NET", "[192.0.2.0/24")
	if want := `address variable HOME_NET: address list "[192.0.2.0/24" lacks its closing ']'`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if v.AddressGroups["HOME_NET"] != "[192.0.2.0/24]" {
		t.Error("failed Set changed the variable")
	}
	if err := v.Validate(); err != nil {
		t.Error(err)
	}
}

func TestVarsYAML(t *testing.T) {
	v := DefaultVars()
	y := "%YAML 1.1\n---\nvars:\n  address-groups:\n    HOME_NET: \"[198.51.100.0/24]\"\n    DMZ: \"$HOME_NET\"\n  port-groups:\n    HTTP_PORTS: \"[80,8000]\"\n    SSH_PORTS: 2222\noutputs: []\n"
	if err := v.ParseVarsYAML("suricata.yaml", []byte(y)); err != nil {
		t.Fatal(err)
	}
	if v.AddressGroups["DMZ"] != "$HOME_NET" || v.PortGroups["SSH_PORTS"] != "2222" {
		t.Errorf("got %v %v", v.AddressGroups["DMZ"], v.PortGroups["SSH_PORTS"])
	}
	bad := "vars:\n  port-groups:\n    HTTP_PORTS: \"99999\"\n"
	err := DefaultVars().ParseVarsYAML("s.yaml", []byte(bad))
	if want := `s.yaml:3: port variable HTTP_PORTS: bad port "99999" (want 0-65535, a:b, a:, :b, any, $VAR or a [list])`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if err := DefaultVars().ParseVarsYAML("s.yaml", []byte("vars: [")); err == nil || !strings.HasPrefix(err.Error(), "s.yaml: ") {
		t.Errorf("error %v", err)
	}
}
