package services

import "net/netip"

// View adapts a Table to the engine's Services interface (names and
// categories as strings) without the engine importing this package's types.
type View struct{ t *Table }

// ForEngine returns t as the engine's service namer.
func ForEngine(t *Table) View { return View{t} }

// ByHost returns the service name and category for a host name.
func (v View) ByHost(host []byte) (name, category string, ok bool) {
	s, ok := v.t.ByHost(host)
	return s.Name, s.Category, ok
}

// ByAddr returns the service name and category for an address.
func (v View) ByAddr(a netip.Addr) (name, category string, ok bool) {
	s, ok := v.t.ByAddr(a)
	return s.Name, s.Category, ok
}
