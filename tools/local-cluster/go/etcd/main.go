// Command etcd is upstream etcd, built from the published go.etcd.io/etcd
// server module for Sluice's local control plane.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
