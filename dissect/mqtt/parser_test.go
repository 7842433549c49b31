package mqtt

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestParserConnectAndSubscribe(t *testing.T) {
	seeds := dissectorSeeds(t)
	rec := &dissecttest.Recorder{}
	c := dissectorCtx(rec)
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, seeds[0][:7])
	p.Feed(c, dissect.ToServer, seeds[0][7:])
	p.Feed(c, dissect.ToClient, []byte{0x20, 0x02, 0x00, 0x00})
	if st := p.Feed(c, dissect.ToServer, seeds[2]); st != dissect.Done {
		t.Errorf("status %d, want Done", st)
	}
	want := map[string]string{"mqtt.client_id": "sensor1", "mqtt.username": "alice", "mqtt.topic": "home/+/status"}
	for k, v := range want {
		if rec.MetaKV[k] != v {
			t.Errorf("%s = %q, want %q", k, rec.MetaKV[k], v)
		}
	}
}

func TestParserMQTT5Publish(t *testing.T) {
	// CONNECT v5 with an empty property block, then PUBLISH QoS 0 with
	// properties after the topic.
	conn := []byte{0x10, 17, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, 5, 'd', 'e', 'v', '-', '5'}
	conn[1] = byte(len(conn) - 2)
	pub := []byte{0x30, 0, 0, 3, 'a', '/', 'b', 0, 'h', 'i'}
	pub[1] = byte(len(pub) - 2)
	rec := &dissecttest.Recorder{}
	c := dissectorCtx(rec)
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, append(conn, pub...))
	if rec.MetaKV["mqtt.client_id"] != "dev-5" || rec.MetaKV["mqtt.topic"] != "a/b" {
		t.Errorf("meta %v", rec.MetaKV)
	}
}

func TestParserConnectEvent(t *testing.T) {
	rec := &dissecttest.Recorder{}
	p := Dissector.New()
	p.Feed(dissectorCtx(rec), dissect.ToServer, dissectorSeeds(t)[0])
	want := `mqtt {"connect":{"qos":0,"retain":false,"dup":false,"protocol_string":"MQTT","protocol_version":4,"flags":{"username":true,"password":true,"will_retain":false,"will":false,"clean_session":true},"client_id":"sensor1","username":"alice"}}`
	if len(rec.Events) != 1 || rec.Events[0] != want {
		t.Errorf("events %q\nwant %q", rec.Events, want)
	}
}
