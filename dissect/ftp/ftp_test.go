package ftp

import (
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestEvents(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := &dissect.Ctx{Proto: 6, Emit: rec}
	p := Dissector.New()
	for _, s := range []struct {
		dir  dissect.Dir
		data string
	}{
		{dissect.ToClient, "220 (vsFTPd 3.0.3)\r\n"},
		{dissect.ToServer, "USER anonymous\r\n"},
		{dissect.ToClient, "331 Please specify the password.\r\n"},
		{dissect.ToServer, "PASS secret\r\n"},
		{dissect.ToClient, "230-Welcome\r\n230 Login successful.\r\n"},
		{dissect.ToServer, "PASV\r\n"},
		{dissect.ToClient, "227 Entering Passive Mode (192,168,1,2,195,80).\r\n"},
		{dissect.ToServer, "EPRT |1|132.235.1.2|6275|\r\n"},
		{dissect.ToServer, "QUIT\r\n"},
	} {
		p.Feed(c, s.dir, []byte(s.data))
	}
	p.Close(c)
	got := strings.Join(rec.Events, "\n")
	want := strings.Join([]string{
		`ftp {"command":"USER","command_data":"anonymous","reply":["Please specify the password."],"completion_code":["331"],"reply_received":"yes"}`,
		`ftp {"command":"PASS","command_data":"xxxxxxxx","reply":["Welcome","Login successful."],"completion_code":["230","230"],"reply_received":"yes"}`,
		`ftp {"command":"PASV","reply":["Entering Passive Mode (192,168,1,2,195,80)."],"completion_code":["227"],"dynamic_port":50000,"mode":"passive","reply_received":"yes"}`,
		`ftp {"command":"EPRT","command_data":"|1|132.235.1.2|6275|","dynamic_port":6275,"mode":"active","reply_received":"no"}`,
		`ftp {"command":"QUIT","reply_received":"no"}`,
	}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if rec.MetaKV["ftp_user"] != "anonymous" {
		t.Errorf("meta %v", rec.MetaKV)
	}
}
