package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The mesh is drawn as a tree in inline SVG: the internet at the top, the gateway under it,
// each extender under the node it connects through (its parent in the topology), with its
// state (colour, and a word for those who do not see colour), backhaul (a solid line for
// ethernet, a dashed one for WiFi) and connected device count. Positions are computed here;
// the template only writes the elements.

// meshNode is one node of a location as the picture needs it.
type meshNode struct {
	ID       string
	Name     string
	Parent   string // the node it connects through; "" for the gateway or when unknown
	Gateway  bool
	Online   bool
	State    string // "connected", "disconnected", or "" when unknown
	Backhaul string // "ethernet", "wifi" or ""
	Devices  int
}

// meshPicture is the laid-out picture.
type meshPicture struct {
	Width, Height int
	Internet      point
	Nodes         []meshBox
	Edges         []meshEdge
	Summary       string // the picture in words, for screen readers
}

type point struct{ X, Y int }

type meshBox struct {
	point
	ID, Name, StateText, Backhaul, DevicesText string
	Gateway, Online                            bool
	Class                                      string
}

type meshEdge struct {
	X1, Y1, X2, Y2 int
	Class          string
	LabelX, LabelY int
	Label          string
}

// Picture geometry, in SVG user units.
const (
	meshSlot   = 170 // horizontal room of one leaf
	meshLevel  = 150 // vertical distance between levels
	meshLabels = 66  // below a node's centre: its name and details
	meshTop    = 46  // the internet's centre
	meshRadius = 26
)

// layoutMesh places the nodes: the gateway (the node marked so, else the first without a
// parent, else the first) at the root; a node whose parent is unknown, missing or part of a
// loop hangs from the gateway.
func layoutMesh(nodes []meshNode) *meshPicture {
	if len(nodes) == 0 {
		return nil
	}
	byID := map[string]int{}
	for i, n := range nodes {
		byID[n.ID] = i
	}
	root := -1
	for i, n := range nodes {
		if n.Gateway {
			root = i
			break
		}
	}
	if root < 0 {
		for i, n := range nodes {
			if _, ok := byID[n.Parent]; !ok || n.Parent == "" {
				root = i
				break
			}
		}
	}
	if root < 0 {
		root = 0
	}
	// parent of each node, loops broken by walking up at most len(nodes) steps.
	parent := make([]int, len(nodes))
	for i, n := range nodes {
		parent[i] = -1
		if i == root {
			continue
		}
		pi, ok := byID[n.Parent]
		if !ok || pi == i {
			pi = root
		}
		parent[i] = pi
	}
	for i := range nodes {
		seen := map[int]bool{i: true}
		for j := parent[i]; j >= 0; j = parent[j] {
			if seen[j] {
				parent[i] = root
				break
			}
			seen[j] = true
		}
	}
	children := make([][]int, len(nodes))
	for i := range nodes {
		if parent[i] >= 0 {
			children[parent[i]] = append(children[parent[i]], i)
		}
	}

	pos := make([]point, len(nodes))
	slot, maxDepth := 0, 0
	var place func(i, depth int) int
	place = func(i, depth int) int {
		maxDepth = max(maxDepth, depth)
		y := meshTop + meshLevel*(depth+1)
		if len(children[i]) == 0 {
			x := meshSlot/2 + slot*meshSlot
			slot++
			pos[i] = point{x, y}
			return x
		}
		sum := 0
		for _, c := range children[i] {
			sum += place(c, depth+1)
		}
		x := sum / len(children[i])
		pos[i] = point{x, y}
		return x
	}
	place(root, 0)

	pic := &meshPicture{
		Width:    max(slot, 2) * meshSlot,
		Height:   meshTop + meshLevel*(maxDepth+1) + 80,
		Internet: point{pos[root].X, meshTop},
	}
	if shift := (pic.Width - slot*meshSlot) / 2; shift > 0 { // centre a narrow tree
		for i := range pos {
			pos[i].X += shift
		}
		pic.Internet.X = pos[root].X
	}
	rootNode := nodes[root]
	pic.Edges = append(pic.Edges, meshEdge{
		X1: pic.Internet.X, Y1: meshTop + 22, X2: pos[root].X, Y2: pos[root].Y - meshRadius,
		Class: edgeClass("ethernet", rootNode), LabelX: pos[root].X + 8, LabelY: (meshTop + pos[root].Y) / 2, Label: "WAN",
	})
	var words []string
	for i, n := range nodes {
		b := meshBox{point: pos[i], ID: n.ID, Name: shorten(n.Name, 20), StateText: stateText(n), Backhaul: n.Backhaul,
			DevicesText: plural(n.Devices, "device", "devices"), Gateway: i == root, Online: n.Online}
		b.Class = "node " + map[bool]string{true: "online", false: "offline"}[n.Online]
		if n.State == "" {
			b.Class = "node unknown"
		}
		role := "extender"
		if i == root {
			role = "gateway"
			b.Class += " gateway"
		}
		pic.Nodes = append(pic.Nodes, b)
		if p := parent[i]; p >= 0 {
			label := n.Backhaul
			if label == "" {
				label = "?"
			}
			pic.Edges = append(pic.Edges, meshEdge{
				X1: pos[p].X, Y1: pos[p].Y + meshLabels, X2: pos[i].X, Y2: pos[i].Y - meshRadius,
				Class: edgeClass(n.Backhaul, n), Label: label,
				LabelX: (pos[p].X+pos[i].X)/2 + 6, LabelY: (pos[p].Y+meshLabels+pos[i].Y-meshRadius)/2 + 4,
			})
			words = append(words, fmt.Sprintf("%s %s, %s, through %s over %s, %s", role, n.Name, stateText(n), nodes[p].Name, label, b.DevicesText))
		} else {
			words = append(words, fmt.Sprintf("%s %s, %s, %s", role, n.Name, stateText(n), b.DevicesText))
		}
	}
	pic.Summary = strings.Join(words, "; ")
	return pic
}

func edgeClass(backhaul string, n meshNode) string {
	c := "link"
	if backhaul == "wifi" {
		c += " wifi"
	}
	if !n.Online {
		c += " down"
	}
	return c
}

func stateText(n meshNode) string {
	switch {
	case n.State == "":
		return "state unknown"
	case n.Online:
		return "online"
	}
	return "offline"
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
