package io.eflow.backend.qemu;

import io.eflow.backend.GuestLinks;
import io.eflow.contract.proxy.ProxySettings;
import io.eflow.image.ImageManifest;
import io.eflow.instance.model.Endpoint;
import io.eflow.instance.model.NameServers;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.SerialPort;
import io.eflow.instance.model.SharedFolder;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel command line the guest's initramfs reads: each root slot's dm-verity parameters from its signed
 * manifest, and the static network settings.
 */
public final class KernelCommandLine {

    private KernelCommandLine() {
    }

    /**
     * @param slots    manifest per slot that holds an image, in slot order
     * @param dns      the name servers the guest uses, or none to keep its own configuration
     * @param verityOn whether the initramfs maps the root through dm-verity (the instance's dm-verity feature)
     * @param shares   shared folders: {@code eflow.share.N=ro|rw:/guest/path} for the 9p device tagged the same
     * @param serialPorts serial ports: {@code eflow.serial.ttySN=NAME}, the name the guest's UART N gets under /dev
     * @param endpoints  endpoints: {@code eflow.nic.N=MAC,dhcp|ADDR/PREFIX,GATEWAY|-,METRIC} for the guest's init
     */
    static final int MAX_LENGTH = 2000;

    public static String build(Map<Slot, ImageManifest> slots, NetworkConfig network, List<String> dns, boolean verityOn,
                               List<SharedFolder> shares, List<SerialPort> serialPorts, List<Endpoint> endpoints) {
        if (!slots.containsKey(Slot.A)) {
            throw new IllegalArgumentException("slot A holds no image");
        }
        List<String> words = new ArrayList<>(List.of("console=ttyS0", "quiet", "panic=-1", "eflow.verity=" + (verityOn ? 1 : 0)));
        for (Map.Entry<Slot, ImageManifest> slot : new LinkedHashMap<>(slots).entrySet()) {
            ImageManifest.Verity verity = slot.getValue().verity();
            requireHex(verity.rootHash(), "root hash");
            requireHex(verity.salt(), "salt");
            words.add("eflow.roothash." + slot.getKey() + "=" + verity.rootHash());
            words.add("eflow.salt." + slot.getKey() + "=" + verity.salt());
            words.add("eflow.blocks." + slot.getKey() + "=" + verity.dataBlocks());
        }
        words.add("eflow.ip=" + network.address() + "/" + network.prefix());
        words.add("eflow.gw=" + network.gateway());
        if (!dns.isEmpty()) {
            words.add("eflow.dns=" + String.join(",", NameServers.check(dns)));
        }
        ProxySettings proxy = network.proxy(); // checked URLs and host names: no spaces, no commas within an entry
        if (proxy.http() != null) {
            words.add("eflow.proxy.http=" + proxy.http());
        }
        if (proxy.https() != null) {
            words.add("eflow.proxy.https=" + proxy.https());
        }
        if (!proxy.noProxy().isEmpty()) {
            words.add("eflow.proxy.no=" + String.join(",", proxy.noProxy()));
        }
        for (int i = 0; i < shares.size(); i++) {
            SharedFolder share = shares.get(i); // its guest path holds no space or other separator (SharedFolder checks)
            words.add(QemuCommand.SHARE_TAG_PREFIX + i + "=" + (share.readOnly() ? "ro" : "rw") + ":" + share.guestPath());
        }
        for (int i = 0; i < serialPorts.size(); i++) {
            words.add("eflow.serial.ttyS" + (i + 1) + "=" + serialPorts.get(i).guestName()); // a checked name: tty + [A-Za-z0-9_]
        }
        for (int i = 0; i < endpoints.size(); i++) {
            words.add(GuestLinks.kernelWord(endpoints, i)); // checked addresses and MAC: no spaces
        }
        String line = String.join(" ", words);
        if (line.length() > MAX_LENGTH) {
            // x86 keeps 2048 bytes of it and cuts the rest without a word: a cut address would be a wrong one
            throw new EflowException("the guest's kernel command line would be " + line.length() + " bytes, more than the "
                    + MAX_LENGTH + " it can take: fewer endpoints, shares or no-proxy hosts");
        }
        return line;
    }

    /** A manifest is signed, but a space in a value would still split the command line: refuse anything not hex. */
    private static void requireHex(String value, String what) {
        if (value == null || !value.matches("[0-9a-fA-F]+")) {
            throw new IllegalArgumentException("the slot's " + what + " is not hexadecimal: " + value);
        }
    }
}
