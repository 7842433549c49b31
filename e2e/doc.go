// Package e2e is netsift's end-to-end test bed: network namespaces
// client — gateway — server joined by veth pairs, real servers and clients,
// and `netsift inline` on the gateway. Everything lives in the _test.go
// files; see README.md. The tests need root and iproute2 and skip without.
package e2e
