//go:build tools

// Package tools pins the image builder the build stage runs — upstream BuildKit
// (buildkitd, buildctl) and RootlessKit, built from their published modules by
// build-builder.sh; nothing here is compiled into them.
package tools

import (
	_ "github.com/moby/buildkit/cmd/buildctl"
	_ "github.com/moby/buildkit/cmd/buildkitd"
	_ "github.com/rootless-containers/rootlesskit/v2/cmd/rootlesskit"
)
