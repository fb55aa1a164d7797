// Package inventory reads ipd's declarative inventory file, the YAML list
// of countries, data centers, networks with their pools, organizations,
// virtual machines and interfaces that an operator wants to exist, and
// brings a database to it.
//
// Objects are matched by their natural keys, never by ID: a country by
// iso_code2, a data center or network by permalink, a pool by its prefix
// within its network, an organization by sub_domain, a virtual machine by
// hostname within its organization and an interface by its network within
// its virtual machine. NewPlan compares the file with the database and
// lists the changes that would make them agree; Plan.Apply makes them.
// Applying the same file twice changes nothing the second time.
//
// The file is the whole inventory: an object of these kinds that the
// database holds and the file does not list is deleted. The one exception
// is the unmanaged: an organization without a virtual_machines key, or a
// virtual machine without an interfaces key, keeps the machines or
// interfaces it has, so that a provisioning system can register them
// through the operator API beside the file; "virtual_machines: []" is a
// list, and deletes them all. Deleting a
// virtual machine deletes its interfaces and unallocates its addresses,
// which stay in its organization; deleting an organization deletes its
// virtual machines and API tokens and releases its addresses to their
// pools. A pool that still holds addresses, of an organization the file
// keeps, is not deleted: the store refuses, and Apply stops there.
//
// A field the file leaves empty takes its default, and only a change from
// that default is a change: a pool's strategy is "lowest" and its reuse
// "fresh_first", an organization's infrastructure domain is
// "<sub_domain>.katapult.cloud", an interface's state is "attached", and
// an interface without a mac_address keeps the one it has (a new one gets
// a random one). A pool's position is its place in its network's list.
package inventory

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"
)

// Demo is the inventory `ipd demo` loads: production's London public
// network and two organizations.
//
//go:embed demo.yaml
var Demo []byte

// Inventory is the whole file.
type Inventory struct {
	Countries     []Country      `yaml:"countries"`
	DataCenters   []DataCenter   `yaml:"data_centers"`
	Networks      []Network      `yaml:"networks"`
	Organizations []Organization `yaml:"organizations"`
}

// Country is a country data centers are in, keyed by ISOCode2.
type Country struct {
	Name     string `yaml:"name"`
	ISOCode2 string `yaml:"iso_code2"`
	ISOCode3 string `yaml:"iso_code3"`
	TimeZone string `yaml:"time_zone"`
	EU       bool   `yaml:"eu"`
}

// DataCenter is a site, keyed by Permalink, in the country whose
// iso_code2 is Country.
type DataCenter struct {
	Name      string `yaml:"name"`
	Permalink string `yaml:"permalink"`
	Country   string `yaml:"country"`
}

// Network is a network, keyed by Permalink, in the data center whose
// permalink is DataCenter; a network cannot move to another data center.
// Its pools are tried in the order listed.
type Network struct {
	Name       string `yaml:"name"`
	Permalink  string `yaml:"permalink"`
	DataCenter string `yaml:"data_center"`
	Default    bool   `yaml:"default"`
	Pools      []Pool `yaml:"pools"`
}

// Pool is one prefix of a network, keyed by Prefix within it.
type Pool struct {
	// Prefix is the subnet, such as "185.44.252.0/22".
	Prefix string `yaml:"prefix"`

	// Gateway is the subnet's router, never handed out; empty for none.
	Gateway string `yaml:"gateway"`

	// Ranges narrows the pool to these spans ("A-B", "A" or "A/N") of the
	// prefix; empty means the whole prefix.
	Ranges []string `yaml:"ranges"`

	// Reserved lists addresses or spans never handed out.
	Reserved []string `yaml:"reserved"`

	// Strategy is "lowest" (the default) or "random".
	Strategy string `yaml:"strategy"`

	// Reuse is "fresh_first" (the default) or "immediate".
	Reuse string `yaml:"reuse"`
}

// Organization is a customer account, keyed by SubDomain.
type Organization struct {
	Name      string `yaml:"name"`
	SubDomain string `yaml:"sub_domain"`

	// InfrastructureDomain is the DNS zone of the organization's virtual
	// machines; empty means "<sub_domain>.katapult.cloud".
	InfrastructureDomain string `yaml:"infrastructure_domain"`

	// VirtualMachines are the organization's machines; nil, when the
	// file has no virtual_machines key, leaves them as they are.
	VirtualMachines []VirtualMachine `yaml:"virtual_machines"`
}

// VirtualMachine is a customer's machine, keyed by Hostname within its
// organization, in the data center whose permalink is DataCenter; a
// machine cannot move to another data center.
type VirtualMachine struct {
	Name       string `yaml:"name"`
	Hostname   string `yaml:"hostname"`
	DataCenter string `yaml:"data_center"`

	// Interfaces are the machine's interfaces; nil, when the file has no
	// interfaces key, leaves them as they are.
	Interfaces []Interface `yaml:"interfaces"`
}

// Interface is a virtual machine's interface on the network whose
// permalink is Network.
type Interface struct {
	Network string `yaml:"network"`

	// MACAddress is the interface's hardware address; empty keeps the one
	// it has, or on creation makes one up, starting 3a: as production's do.
	MACAddress string `yaml:"mac_address"`

	// State is "attached" (the default) or "detached".
	State string `yaml:"state"`
}

// Parse reads an inventory. A key the format does not know is an error,
// so that a misspelt field is not silently ignored.
func Parse(r io.Reader) (Inventory, error) {
	var inv Inventory
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&inv); err != nil && err != io.EOF {
		return Inventory{}, fmt.Errorf("parse inventory: %w", err)
	}
	return inv, nil
}

// ParseFile reads the inventory file at path.
func ParseFile(path string) (Inventory, error) {
	f, err := os.Open(path)
	if err != nil {
		return Inventory{}, fmt.Errorf("open inventory: %w", err)
	}
	defer f.Close()
	return Parse(f)
}

// ParseDemo returns the demo inventory.
func ParseDemo() (Inventory, error) {
	return Parse(bytes.NewReader(Demo))
}
