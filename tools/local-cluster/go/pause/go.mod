module sluice.dev/tools/local-cluster/pause

go 1.26.0
