package rules

import (
	"fmt"
	"os"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Vars holds the rule variables: address groups ($HOME_NET …) and port
// groups ($HTTP_PORTS …), as expressions (compiled when a rule uses them).
// The zero value has no variables; DefaultVars gives Suricata's defaults.
// A Vars is not safe for concurrent mutation; build it, then share it.
type Vars struct {
	AddressGroups map[string]string
	PortGroups    map[string]string
}

// DefaultVars returns the variables of Suricata's default suricata.yaml
// (vars.address-groups and vars.port-groups). Note that Suricata's default
// AIM_SERVERS is $EXTERNAL_NET, not $HOME_NET.
func DefaultVars() *Vars {
	return &Vars{
		AddressGroups: map[string]string{
			"HOME_NET":       "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]",
			"EXTERNAL_NET":   "!$HOME_NET",
			"HTTP_SERVERS":   "$HOME_NET",
			"SMTP_SERVERS":   "$HOME_NET",
			"SQL_SERVERS":    "$HOME_NET",
			"DNS_SERVERS":    "$HOME_NET",
			"TELNET_SERVERS": "$HOME_NET",
			"AIM_SERVERS":    "$EXTERNAL_NET",
			"DC_SERVERS":     "$HOME_NET",
			"DNP3_SERVER":    "$HOME_NET",
			"DNP3_CLIENT":    "$HOME_NET",
			"MODBUS_CLIENT":  "$HOME_NET",
			"MODBUS_SERVER":  "$HOME_NET",
			"ENIP_CLIENT":    "$HOME_NET",
			"ENIP_SERVER":    "$HOME_NET",
		},
		PortGroups: map[string]string{
			"HTTP_PORTS":      "80",
			"SHELLCODE_PORTS": "!80",
			"ORACLE_PORTS":    "1521",
			"SSH_PORTS":       "22",
			"DNP3_PORTS":      "20000",
			"MODBUS_PORTS":    "502",
			"FILE_DATA_PORTS": "[$HTTP_PORTS,110,143]",
			"FTP_PORTS":       "21",
			"GENEVE_PORTS":    "6081",
			"VXLAN_PORTS":     "4789",
			"TEREDO_PORTS":    "3544",
		},
	}
}

func (v *Vars) address(name string) (string, bool) {
	s, ok := v.AddressGroups[name]
	return s, ok
}

func (v *Vars) port(name string) (string, bool) {
	s, ok := v.PortGroups[name]
	return s, ok
}

// Set overrides one variable, as `--set` does. Accepted names:
// "vars.address-groups.NAME", "vars.port-groups.NAME", "vars.NAME" and
// "NAME"; the short forms update the group that already defines NAME, and a
// new short name goes to address-groups unless it ends in _PORTS. The value
// is checked by compiling it.
func (v *Vars) Set(name, value string) error {
	if v.AddressGroups == nil {
		v.AddressGroups = map[string]string{}
	}
	if v.PortGroups == nil {
		v.PortGroups = map[string]string{}
	}
	value = strings.TrimSpace(value)
	var port bool
	switch {
	case strings.HasPrefix(name, "vars.address-groups."):
		name = strings.TrimPrefix(name, "vars.address-groups.")
	case strings.HasPrefix(name, "vars.port-groups."):
		name, port = strings.TrimPrefix(name, "vars.port-groups."), true
	default:
		name = strings.TrimPrefix(name, "vars.")
		if _, ok := v.PortGroups[name]; ok {
			port = true
		} else if _, ok := v.AddressGroups[name]; !ok && strings.HasSuffix(name, "_PORTS") {
			port = true
		}
	}
	if name == "" || strings.ContainsAny(name, ".$[] ") {
		return fmt.Errorf("bad variable name %q (want e.g. vars.address-groups.HOME_NET or HOME_NET)", name)
	}
	if port {
		old, had := v.PortGroups[name]
		v.PortGroups[name] = value
		if _, err := ParsePortGroup(value, v); err != nil {
			restore(v.PortGroups, name, old, had)
			return fmt.Errorf("port variable %s: %v", name, err)
		}
		return nil
	}
	old, had := v.AddressGroups[name]
	v.AddressGroups[name] = value
	if _, err := ParseAddrGroup(value, v); err != nil {
		restore(v.AddressGroups, name, old, had)
		return fmt.Errorf("address variable %s: %v", name, err)
	}
	return nil
}

func restore(m map[string]string, k, old string, had bool) {
	if had {
		m[k] = old
	} else {
		delete(m, k)
	}
}

// Validate compiles every variable and returns the first error, in name
// order (so the message is stable).
func (v *Vars) Validate() error {
	for _, k := range sortedKeys(v.AddressGroups) {
		if _, err := ParseAddrGroup(v.AddressGroups[k], v); err != nil {
			return fmt.Errorf("vars.address-groups.%s: %v", k, err)
		}
	}
	for _, k := range sortedKeys(v.PortGroups) {
		if _, err := ParsePortGroup(v.PortGroups[k], v); err != nil {
			return fmt.Errorf("vars.port-groups.%s: %v", k, err)
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// LoadVarsYAML reads the `vars:` section of a suricata.yaml-style config file
// on top of v (other sections are ignored). Values may be strings or numbers.
func (v *Vars) LoadVarsYAML(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return v.ParseVarsYAML(path, data)
}

// ParseVarsYAML is LoadVarsYAML on bytes; name is used in messages.
func (v *Vars) ParseVarsYAML(name string, data []byte) error {
	var doc struct {
		Vars struct {
			AddressGroups map[string]yaml.Node `yaml:"address-groups"`
			PortGroups    map[string]yaml.Node `yaml:"port-groups"`
		} `yaml:"vars"`
	}
	// suricata.yaml starts with a %YAML 1.1 directive the v3 decoder rejects.
	if s := string(data); strings.HasPrefix(s, "%YAML") {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	set := func(group string, m map[string]yaml.Node) error {
		for _, k := range sortedNodeKeys(m) {
			n := m[k]
			if n.Kind != yaml.ScalarNode {
				return fmt.Errorf("%s:%d: vars.%s.%s must be a string or number", name, n.Line, group, k)
			}
			if err := v.Set("vars."+group+"."+k, n.Value); err != nil {
				return fmt.Errorf("%s:%d: %v", name, n.Line, err)
			}
		}
		return nil
	}
	// Set checks each value as it goes; a variable may refer to one defined
	// later in the file, so define all first, then validate.
	for k, n := range doc.Vars.AddressGroups {
		if v.AddressGroups == nil {
			v.AddressGroups = map[string]string{}
		}
		v.AddressGroups[k] = n.Value
	}
	for k, n := range doc.Vars.PortGroups {
		if v.PortGroups == nil {
			v.PortGroups = map[string]string{}
		}
		v.PortGroups[k] = n.Value
	}
	if err := set("address-groups", doc.Vars.AddressGroups); err != nil {
		return err
	}
	return set("port-groups", doc.Vars.PortGroups)
}

func sortedNodeKeys(m map[string]yaml.Node) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
