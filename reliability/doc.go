// Package reliability holds plume-go's network fault matrix: the SDK against the plumetest
// fake cloud through toxiproxy, run in-process. It is a module of its own so that toxiproxy
// and its dependencies stay out of the SDK's go.mod. Run it with
//
//	cd reliability && go test -race -count=1 ./...
//
// and add -args -update to write the table into ../RELIABILITY.md.
package reliability
