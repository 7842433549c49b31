package mining

import (
	"github.com/netsift/netsift/dissect"
)

var ndpiNames = []string{"Mining"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"stratum", 6, 46838, 3333, dissect.ToServer, []byte("{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"EthereumStratum/1.0.0\"]}\n"), dissect.Match},
	{"ethproxy", 6, 49307, 9999, dissect.ToServer, []byte("{\"worker\": \"eth1.0\", \"jsonrpc\": \"2.0\", \"params\": [\"0xabc\", \"x\"], \"id\": 2, \"method\": \"eth_submitLogin\"}\n"), dissect.Match},
	{"xmrig", 6, 55190, 9050, dissect.ToServer, []byte("{\"method\":\"login\",\"params\":{\"login\":\"4BCeEPhodgP\",\"pass\":\"x\",\"agent\":\"XMRig/6.0\"},\"id\":1}\n"), dissect.Match},
	{"partial", 6, 46838, 3333, dissect.ToServer, []byte("{\"id\":1,\"method\":\"mining.sub"), dissect.NeedMore},
	{"jsonrpc", 6, 46838, 8545, dissect.ToServer, []byte("{\"jsonrpc\":\"2.0\",\"method\":\"eth_blockNumber\",\"id\":1}\n"), dissect.NoMatch},
}
