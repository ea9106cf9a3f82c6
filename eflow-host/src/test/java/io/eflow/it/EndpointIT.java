package io.eflow.it;

import io.eflow.contract.wire.Check;
import io.eflow.daemon.api.EndpointAdd;
import io.eflow.daemon.api.EndpointAddress;
import io.eflow.daemon.api.EndpointList;
import io.eflow.daemon.api.EndpointList.EndpointView;
import io.eflow.daemon.api.NameServerView;
import io.eflow.daemon.api.NetworkAdd;
import io.eflow.firewall.FirewallRule;
import io.eflow.instance.InstanceManager;
import io.eflow.modules.AgentClient;
import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Networks and endpoints on either backend: the guest joins the test's plant network (a bridge network on an uplink
 * veth, the plant's dnsmasq giving it an address by DHCP) and an eflow nat network with a static address and the
 * default route, from the next start; the plant's client reaches the hub's TLS port only once the firewall allows it on
 * that endpoint; name servers set for the default-route endpoint are asked first, at once and at each start; a new
 * address set after deploy takes effect at the next start; bad input is refused in one line with nothing stored.
 */
@BothBackends
@VmCheck
class EndpointIT extends SharedGuestTest {
    private static final int HUB_TLS = 8883;
    private static final String LAB_SUBNET = "198.19.7.0/24";
    @TempDir
    Path tmp;
    private PlantNetwork plant;

    @BeforeEach
    void plant() {
        plant = new PlantNetwork(host.runId(), tmp.resolve("dnsmasq.log"));
    }

    @AfterEach
    void putBack() {
        InstanceManager manager = host.manager();
        for (FirewallRule rule : manager.firewall(guest).rules()) {
            manager.changeFirewall(guest, rule, false);
        }
        boolean had = false;
        for (EndpointView endpoint : manager.endpoints().list(guest).endpoints().subList(1, manager.endpoints().list(guest).endpoints().size())) {
            manager.endpoints().remove(guest, endpoint.name());
            had = true;
        }
        manager.networks().list().forEach(network -> manager.networks().remove(network.name()));
        if (had) {
            manager.stop(guest);
            manager.start(guest);
        }
        plant.close();
    }

    @Test
    void aDhcpEndpointOnThePlantAndAStaticOneOnANatNetworkFromTheNextStart() throws Exception {
        InstanceManager manager = host.manager();
        String hostLink = manager.config(guest).network().subnet();

        // bad input: one line each, nothing stored
        assertThatThrownBy(() -> manager.networks().add(new NetworkAdd("lab", "nat", hostLink, null)))
                .isInstanceOf(EflowException.class).hasMessageContaining("overlaps");
        assertThatThrownBy(() -> manager.networks().add(new NetworkAdd("plant", "bridge", null, "efnosuchif0")))
                .hasMessageContaining("no network interface 'efnosuchif0'");
        assertThatThrownBy(() -> manager.networks().add(new NetworkAdd("plant", "switch", null, plant.uplink())))
                .isInstanceOf(InvalidValue.class).hasMessageContaining("nat, bridge or internal");
        assertThat(manager.networks().list()).isEmpty();

        manager.networks().add(new NetworkAdd("plant", "bridge", null, plant.uplink()));
        manager.networks().add(new NetworkAdd("lab", "nat", LAB_SUBNET, null));
        assertThatThrownBy(() -> manager.networks().add(new NetworkAdd("lab2", "internal", "198.19.7.128/25", null)))
                .as("overlapping another network").hasMessageContaining("overlaps");

        EndpointList before = manager.endpoints().list(guest);
        assertThatThrownBy(() -> manager.endpoints().add(guest, new EndpointAdd(null, "lab", "198.19.7.20", 24, "10.0.0.1", false, null, false)))
                .as("a gateway outside the prefix").isInstanceOf(InvalidValue.class).hasMessageContaining("gateway");
        assertThatThrownBy(() -> manager.endpoints().add(guest, new EndpointAdd(null, "lab", "198.19.8.20", 24, null, false, null, false)))
                .as("outside the network").hasMessageContaining("not in network lab");
        assertThatThrownBy(() -> manager.endpoints().add(guest, new EndpointAdd(null, "nosuch", null, null, null, true, null, false)))
                .hasMessageContaining("no network named 'nosuch'");
        assertThat(manager.endpoints().list(guest)).isEqualTo(before);

        String hostLinkMac = manager.config(guest).network().mac();
        assertThatThrownBy(() -> manager.endpoints().add(guest, new EndpointAdd(null, "plant", null, null, null, true, hostLinkMac, false)))
                .as("one MAC per card").hasMessageContaining("another of " + guest + "'s network cards");
        assertThatThrownBy(() -> manager.endpoints().add(guest, new EndpointAdd(null, "lab", "198.19.7.200", 24, null, false, null, false)))
                .as("in eflow's DHCP range").hasMessageContaining("DHCP range");
        manager.endpoints().add(guest, new EndpointAdd(null, "plant", null, null, null, true, null, false));
        EndpointList added = manager.endpoints().add(guest, new EndpointAdd(null, "lab", "198.19.7.20", 24, null, false, null, true));
        assertThat(added.appliesAtNextStart()).isTrue();
        assertThat(added.endpoints()).extracting(EndpointView::name).containsExactly("default", "plant", "lab");
        assertThat(added.endpoints().get(2).configuration()).isEqualTo("198.19.7.20/24 via 198.19.7.1");
        assertThatThrownBy(() -> manager.networks().remove("lab")).as("in use").hasMessageContaining("in use by " + guest + "/lab");
        assertThatThrownBy(() -> manager.changeFirewall(guest, FirewallRule.of("tcp", "80", null, "nosuch"), true))
                .as("a rule on an endpoint the guest lacks").isInstanceOf(InvalidValue.class).hasMessageContaining("has no endpoint nosuch");

        manager.stop(guest);
        manager.start(guest);
        EndpointList running = awaitDhcp(manager);
        EndpointView plantEndpoint = running.endpoints().get(1);
        String leased = plantEndpoint.addresses().get(0);
        assertThat(leased).as("from the plant's DHCP").startsWith("198.18.7.").endsWith("/24");
        assertThat(plantEndpoint.state()).isEqualTo("UP");
        assertThat(running.endpoints().get(2).addresses()).containsExactly("198.19.7.20/24");
        assertThat(new AgentClient(manager).check(guest)).filteredOn(check -> check.id().equals("endpoint")).extracting(Check::status)
                .as("eflow check").containsExactly("ok", "ok");
        assertThat(run("ip", "-4", "route", "show", "default")).as("the chosen default route first, then the host link's")
                .startsWith("default via 198.19.7.1 dev eth2 ").contains("default via " + manager.config(guest).network().gateway() + " dev eth0 ");

        // name servers for an endpoint: the default-route endpoint's are asked before the host link's, at once
        assertThatThrownBy(() -> manager.hostResources().setNameServers(guest, "nosuch", List.of(PlantNetwork.ROUTER)))
                .hasMessageContaining("has no endpoint nosuch");
        NameServerView dns = manager.hostResources().setNameServers(guest, "lab", List.of(PlantNetwork.ROUTER));
        assertThat(dns.servers()).startsWith(PlantNetwork.ROUTER);
        assertThat(dns.endpoints()).containsExactly(Map.entry("lab", List.of(PlantNetwork.ROUTER)));
        assertThat(dns.inGuest()).isEqualTo(dns.servers());
        assertThat(run("getent", "hosts", PlantNetwork.NAME)).as("answered by the plant's name server")
                .matches(PlantNetwork.NAME_ADDRESS.replace(".", "\\.") + "\\s+" + PlantNetwork.NAME.replace(".", "\\."));
        assertThat(Files.readString(tmp.resolve("dnsmasq.log"))).contains("query[A] " + PlantNetwork.NAME + " from 198.18.7.");

        String plantAddress = leased.substring(0, leased.indexOf('/'));
        assertThat(awaitHub()).as("the hub listens on every address").doesNotContain("127.0.0.1:" + HUB_TLS);
        assertThat(plant.clientConnects(plantAddress, HUB_TLS)).as("locked down on the plant endpoint").isFalse();
        manager.changeFirewall(guest, FirewallRule.of("tcp", Integer.toString(HUB_TLS), null, "plant"), true);
        assertThat(plant.clientConnects(plantAddress, HUB_TLS)).as("allowed on the plant endpoint").isTrue();
        assertThatThrownBy(() -> manager.endpoints().remove(guest, "plant")).as("a rule names it").hasMessageContaining("firewall rules");

        // a new static address after deploy, from the next start
        manager.endpoints().readdress(guest, "lab", new EndpointAddress("198.19.7.30", 24, null, false));
        manager.stop(guest);
        manager.start(guest);
        EndpointList restarted = awaitDhcp(manager);
        assertThat(restarted.endpoints().get(2).addresses()).containsExactly("198.19.7.30/24");
        assertThat(manager.hostResources().nameServers(guest).inGuest()).as("each start gives the endpoint's name servers")
                .startsWith(PlantNetwork.ROUTER);
        assertThat(manager.hostResources().setNameServers(guest, "lab", List.of()).inGuest()).as("dns clear --endpoint")
                .doesNotContain(PlantNetwork.ROUTER);
        awaitHub();
        assertThat(plant.clientConnects(restarted.endpoints().get(1).addresses().get(0).replaceAll("/.*", ""), HUB_TLS))
                .as("the rule holds across starts").isTrue();
    }

    /** The hub's listening socket, once the guest runtime has opened it after a start. */
    private String awaitHub() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        String listening = run("ss", "-Hltn", "sport = :" + HUB_TLS);
        while (listening.isBlank() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            listening = run("ss", "-Hltn", "sport = :" + HUB_TLS);
        }
        assertThat(listening).as("the hub listens on " + HUB_TLS).contains(":" + HUB_TLS);
        return listening;
    }

    /** The plant endpoint's lease arrives in the background of the start (udhcpc retries on its own). */
    private EndpointList awaitDhcp(InstanceManager manager) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        EndpointList list = manager.endpoints().list(guest);
        while (list.endpoints().get(1).addresses().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            list = manager.endpoints().list(guest);
        }
        assertThat(list.endpoints().get(1).addresses()).as("a DHCP lease on the plant endpoint").isNotEmpty();
        return list;
    }
}
