package main

import "strings"

// ndpiToNetsift maps nDPI protocol names (as printed in .out files) to the
// netsift application names that count as the same protocol. Names not
// listed are compared after lower-casing and dropping '_', '-' and spaces.
var ndpiToNetsift = map[string][]string{
	"TLS":                       {"tls"},
	"IMAPS":                     {"tls", "imap"},
	"SMTPS":                     {"tls", "smtp"},
	"POPS":                      {"tls", "pop3"},
	"DoH_DoT":                   {"tls", "dns"},
	"FTPS":                      {"tls", "ftp"},
	"HTTP":                      {"http"},
	"ApplePush":                 {"tls"},
	"BitTorrent":                {"bittorrent", "bittorrent-dht"},
	"SMBv1":                     {"smb1"},
	"SMBv23":                    {"smb"},
	"HTTP_Proxy":                {"http"},
	"HTTP_Connect":              {"http"},
	"HTTP2":                     {"http2", "http"},
	"WebSocket":                 {"http", "websocket"},
	"Service_Location_Protocol": {"slp"},
	"DNScrypt":                  {"dnscrypt"},
	"AVASTSecureDNS":            {"avast_securedns", "dnscrypt"},
	"ICMPV6":                    {"icmpv6"},
	"IPSec":                     {"ipsec", "ike"},
	"MsSQL-TDS":                 {"tds"},
	"NetBIOS":                   {"netbios"},
	"Radius":                    {"radius"},
	"ETHEREUM":                  {"ethereum"},
	"BITCOIN":                   {"bitcoin"},
	"Jabber":                    {"xmpp"},
	"Whois-DAS":                 {"whois"},
	"FTP_CONTROL":               {"ftp"},
	"FTP_DATA":                  {"ftp_data", "ftp"},
	"IEC60870":                  {"iec104"},
	"RESP":                      {"redis"},
	"EthernetIP":                {"enip"},
	"SD-RTN":                    {"sdrtn"},
	"TPLINK_SHP":                {"tplinkshp"},
	"HP_VIRTGRP":                {"hpvirtgrp"},
	"PTPv2":                     {"ptp"},
	"KNXnet_IP":                 {"knxnet"},
	"IEEE-C37118":               {"c37118"},
	"ANSI_C1222":                {"ansic1222"},
	"OPC-UA":                    {"opcua"},
	"HART-IP":                   {"hartip"},
	"CNP-IP":                    {"cnpip"},
	"Ether-S-Bus":               {"ethersbus"},
	"EthernetGlobalData":        {"egd"},
	"BeckhoffADS":               {"ads"},
	"GenshinImpact":             {"genshin"},
	"WorldOfWarcraft":           {"wow"},
	"NetEaseGames":              {"netease"},
	"LineCall":                  {"line"},
	"Heroes_of_the_Storm":       {"hots"},
	"LoLWildRift":               {"lolwildrift"},
	"SteamDatagramRelay":        {"steam"},
	"Skype_TeamsCall":           {"skype"},
	"GaijinEntertainment":       {"gaijin"},
	"CoD_Mobile":                {"codmobile"},
	"PathofExile":               {"pathofexile"},
	"TES_Online":                {"tesonline"},
	"NFS":                       {"nfs", "sunrpc"},
	"GTP":                       {"gtp"},
	"NAT-PMP":                   {"natpmp"},
	"MGCP":                      {"mgcp"},
	"H323":                      {"h323"},
	"CiscoVPN":                  {"ciscovpn"},
	"CiscoSkinny":               {"skinny"},
	"Oracle":                    {"oracle"},
	"LotusNotes":                {"lotusnotes"},
	"PostgreSQL":                {"postgresql"},
	"MySQL":                     {"mysql"},
	"MongoDB":                   {"mongodb"},
	"Kerberos":                  {"kerberos"},
	"DHCPV6":                    {"dhcpv6"},
	"COAP":                      {"coap"},
	"IGMP":                      {"igmp"},
	"ICMP":                      {"icmp"},
	"OSPF":                      {"ospf"},
	"VRRP":                      {"vrrp"},
	"IP_PIM":                    {"pim"},
	"SCTP":                      {"sctp"},
	"PGM":                       {"pgm"},
	"GRE":                       {"gre"},
}

func norm(s string) string {
	s = strings.ToLower(s)
	return strings.NewReplacer("_", "", "-", "", " ", "").Replace(s)
}

// sameProto reports whether netsift's app agrees with nDPI's name.
func sameProto(ndpi, app string) bool {
	if alts, ok := ndpiToNetsift[ndpi]; ok {
		for _, a := range alts {
			if a == app {
				return true
			}
		}
		return false
	}
	return norm(ndpi) == norm(app)
}
