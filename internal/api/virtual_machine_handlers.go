package api

import (
	"strings"

	"github.com/ipd/ipd/internal/domain"
	"github.com/ipd/ipd/internal/service"
)

// zoneJSON is a virtual machine's zone, with its data center nested as
// D. ipd models one zone per data center, named after it, with an ID
// derived from the data center's.
type zoneJSON[D any] struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Permalink  string `json:"permalink"`
	DataCenter D      `json:"data_center"`
}

func presentZone[D any](d domain.DataCenter, nested D) zoneJSON[D] {
	_, suffix, _ := strings.Cut(d.ID, "_")
	return zoneJSON[D]{ID: "zone_" + suffix, Name: d.Name, Permalink: d.Permalink, DataCenter: nested}
}

func presentDataCenterRef(d domain.DataCenter) idNamePermalink {
	return idNamePermalink{ID: d.ID, Name: d.Name, Permalink: d.Permalink}
}

type addressOnly struct {
	Address string `json:"address"`
}

// virtualMachineListItemJSON is a virtual machine as an organization's
// list shows it; ipd knows no packages or GPUs, so those are null.
type virtualMachineListItemJSON struct {
	ID          string                    `json:"id"`
	Name        string                    `json:"name"`
	Hostname    string                    `json:"hostname"`
	FQDN        string                    `json:"fqdn"`
	CreatedAt   int64                     `json:"created_at"`
	Zone        zoneJSON[idNamePermalink] `json:"zone"`
	Package     *idName                   `json:"package"`
	GPUType     *idName                   `json:"gpu_type"`
	IPAddresses []addressOnly             `json:"ip_addresses"`
}

type virtualMachineListResponse struct {
	Pagination      paginationJSON               `json:"pagination"`
	VirtualMachines []virtualMachineListItemJSON `json:"virtual_machines"`
}

// listVirtualMachinesHandler serves GET organizations/:organization/virtual_machines.
func listVirtualMachinesHandler(h *Handler, c *call) (any, error) {
	page := c.args.page()
	vms, total, err := h.svc.VirtualMachines(c.ctx, c.caller, c.args.lookupOf("organization"), page)
	if err != nil {
		return nil, err
	}

	items := presentEach(vms, presentVirtualMachineListItem)
	return virtualMachineListResponse{Pagination: presentPagination(page, total), VirtualMachines: items}, nil
}

func presentVirtualMachineListItem(vm service.VirtualMachineListing) virtualMachineListItemJSON {
	ips := presentEach(
		vm.Addresses,
		func(a domain.Address) addressOnly { return addressOnly{Address: a.Addr.String()} },
	)
	return virtualMachineListItemJSON{
		ID:          vm.ID,
		Name:        vm.Name,
		Hostname:    vm.Hostname,
		FQDN:        vm.FQDN,
		CreatedAt:   vm.CreatedAt.Unix(),
		Zone:        presentZone(vm.DataCenter, presentDataCenterRef(vm.DataCenter)),
		IPAddresses: ips,
	}
}

// allocateIPToVirtualMachineHandler serves POST virtual_machines/:virtual_machine/allocate_ip.
func allocateIPToVirtualMachineHandler(h *Handler, c *call) (any, error) {
	a, err := h.svc.AllocateIPToVirtualMachine(c.ctx, c.caller, c.args.lookupOf("virtual_machine"),
		addressLookup(c.args.lookup("ip_address")))
	if err != nil {
		return nil, err
	}
	return ipAddressResponse{IPAddress: h.presentAddress(a)}, nil
}

// interfaceAddressJSON is an address as an interface list shows it.
type interfaceAddressJSON struct {
	ID              string `json:"id"`
	Address         string `json:"address"`
	ReverseDNS      string `json:"reverse_dns"`
	AddressWithMask string `json:"address_with_mask"`
}

type interfaceListItemJSON struct {
	ID             string                 `json:"id"`
	Name           string                 `json:"name"`
	Network        idName                 `json:"network"`
	VirtualNetwork *idName                `json:"virtual_network"`
	IPAddresses    []interfaceAddressJSON `json:"ip_addresses"`
}

type interfaceListResponse struct {
	Pagination paginationJSON          `json:"pagination"`
	Interfaces []interfaceListItemJSON `json:"virtual_machine_network_interfaces"`
}

// listInterfacesHandler serves GET virtual_machines/:virtual_machine/network_interfaces.
func listInterfacesHandler(h *Handler, c *call) (any, error) {
	page := c.args.page()
	ifaces, total, err := h.svc.Interfaces(c.ctx, c.caller, c.args.lookupOf("virtual_machine"), page)
	if err != nil {
		return nil, err
	}

	items := presentEach(ifaces, h.presentInterfaceListItem)
	return interfaceListResponse{Pagination: presentPagination(page, total), Interfaces: items}, nil
}

func (h *Handler) presentInterfaceListItem(iface service.InterfaceListing) interfaceListItemJSON {
	ips := make([]interfaceAddressJSON, len(iface.Addresses))
	for n, a := range iface.Addresses {
		ips[n] = interfaceAddressJSON{
			ID:              a.ID,
			Address:         a.Addr.String(),
			ReverseDNS:      h.svc.ReverseDNS(a),
			AddressWithMask: a.AddrWithMask().String(),
		}
	}
	return interfaceListItemJSON{
		ID:          iface.ID,
		Name:        iface.Name(),
		Network:     idName{ID: iface.Network.ID, Name: iface.Network.Name},
		IPAddresses: ips,
	}
}

// interfaceOnNetworkHandler serves GET
// virtual_machines/:virtual_machine/networks/:network/interface.
func interfaceOnNetworkHandler(h *Handler, c *call) (any, error) {
	iface, addrs, err := h.svc.InterfaceOnNetwork(c.ctx, c.caller, c.args.lookupOf("virtual_machine"),
		c.args.lookupOf("network"))
	if err != nil {
		return nil, err
	}
	return allocatedInterfaceResponse{Interface: presentInterface(iface, addrs).allocatedInterfaceJSON}, nil
}

// virtualMachineJSON is a virtual machine in full, its keys in the
// alphabetical order production's virtual machine endpoints use. ipd
// manages addresses, not machines: what it does not know (packages,
// groups, ISOs, sizes, GPUs, tags, the root password) is null or empty,
// and every registered machine is shown as started.
type virtualMachineJSON struct {
	AttachedISO         *idName                  `json:"attached_iso"`
	CPUCores            *int                     `json:"cpu_cores"`
	CreatedAt           int64                    `json:"created_at"`
	Description         *string                  `json:"description"`
	FQDN                string                   `json:"fqdn"`
	GPUType             *idName                  `json:"gpu_type"`
	GPUs                []idName                 `json:"gpus"`
	Group               *idName                  `json:"group"`
	Hostname            string                   `json:"hostname"`
	ID                  string                   `json:"id"`
	InitialRootPassword *string                  `json:"initial_root_password"`
	IPAddresses         []ipAddressJSON          `json:"ip_addresses"`
	MemoryInGB          *int                     `json:"memory_in_gb"`
	Name                string                   `json:"name"`
	Organization        organizationJSON         `json:"organization"`
	Package             *idName                  `json:"package"`
	State               string                   `json:"state"`
	Suspended           bool                     `json:"suspended"`
	SuspendedAt         *int64                   `json:"suspended_at"`
	TagNames            []string                 `json:"tag_names"`
	Tags                []idName                 `json:"tags"`
	UseDedicatedCPUs    *bool                    `json:"use_dedicated_cpus"`
	Zone                zoneJSON[dataCenterJSON] `json:"zone"`
}

type virtualMachineResponse struct {
	Annotations    []struct{}         `json:"annotations"`
	VirtualMachine virtualMachineJSON `json:"virtual_machine"`
}

// getVirtualMachineHandler serves GET virtual_machines/:virtual_machine.
func getVirtualMachineHandler(h *Handler, c *call) (any, error) {
	vm, org, addrs, err := h.svc.VirtualMachine(c.ctx, c.caller, c.args.lookupOf("virtual_machine"))
	if err != nil {
		return nil, err
	}

	return virtualMachineResponse{
		Annotations: []struct{}{},
		VirtualMachine: virtualMachineJSON{
			CreatedAt:    vm.CreatedAt.Unix(),
			FQDN:         vm.FQDN,
			GPUs:         []idName{},
			Hostname:     vm.Hostname,
			ID:           vm.ID,
			IPAddresses:  presentEach(addrs, h.presentAddress),
			Name:         vm.Name,
			Organization: presentOrganization(org),
			State:        "started",
			TagNames:     []string{},
			Tags:         []idName{},
			Zone:         presentZone(vm.DataCenter, presentDataCenter(vm.DataCenter)),
		},
	}, nil
}
