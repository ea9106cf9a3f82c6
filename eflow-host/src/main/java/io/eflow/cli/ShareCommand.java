package io.eflow.cli;

import io.eflow.daemon.api.ShareChange;
import io.eflow.daemon.api.ShareList;
import io.eflow.instance.model.SharedFolder;
import io.eflow.platform.EflowException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Host folders in the guest (Add-, Get-, Remove-EflowVmSharedFolder), owned by iotedge-user there, from the next
 * start: a bind mount on the namespace backend, virtio-9p on a VM. Folders that would hand the guest the host (/, /etc,
 * eflow's own state) are refused.
 */
@Command(name = "share", description = "Share host folders with the guest (Add-/Get-/Remove-EflowVmSharedFolder).",
        subcommands = {ShareCommand.Add.class, ShareCommand.ListShares.class, ShareCommand.Remove.class})
final class ShareCommand extends CommandGroup {

    @Command(name = "add", description = "Share a host folder from the next start: eflow share add --host-path /srv/data"
            + " --guest-path /home/iotedge-user/data [--read-only], or the original's JSON with --from-json FILE")
    static final class Add extends InstanceCommand implements Runnable {
        @ArgGroup(exclusive = true, multiplicity = "1")
        What what;

        static final class What {
            @ArgGroup(exclusive = false)
            One one;

            @Option(names = "--from-json", paramLabel = "FILE", description = "The original's shared-folder JSON: every folder in it, or none.")
            String jsonFile;
        }

        static final class One {
            @Option(names = "--host-path", required = true, paramLabel = "PATH", description = "The host folder.")
            String hostPath;

            @Option(names = "--guest-path", required = true, paramLabel = "PATH",
                    description = "Where the guest sees it: a folder below /home, /var, /mnt or /tmp.")
            String guestPath;

            @Option(names = "--read-only", description = "Read-only in the guest, for its root too.")
            boolean readOnly;
        }

        @Override
        public void run() {
            List<SharedFolder> folders = what.jsonFile != null ? fromFile(Path.of(context().absolute(what.jsonFile)))
                    : List.of(new SharedFolder(context().absolute(what.one.hostPath), what.one.guestPath, what.one.readOnly));
            print(json, client().changeShares(name.instance(), new ShareChange(folders, null)), ShareCommand::text);
        }

        private static List<SharedFolder> fromFile(Path file) {
            try {
                return SharedFolderJson.read(Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                throw new EflowException("--from-json: no file " + file);
            } catch (IOException e) {
                throw new EflowException("--from-json: cannot read " + file + ": " + e.getMessage());
            } catch (EflowException e) {
                throw new EflowException(file + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "list", description = "The instance's shared folders.")
    static final class ListShares extends InstanceCommand implements Runnable {
        @Override
        public void run() {
            print(json, client().shares(name.instance()), ShareCommand::text);
        }
    }

    @Command(name = "remove", description = "Stop sharing a folder, from the next start: eflow share remove --guest-path PATH")
    static final class Remove extends InstanceCommand implements Runnable {
        @Option(names = "--guest-path", required = true, paramLabel = "PATH", description = "The shared folder's place in the guest.")
        String guestPath;

        @Override
        public void run() {
            print(json, client().changeShares(name.instance(), new ShareChange(List.of(), guestPath)), ShareCommand::text);
        }
    }

    static String text(ShareList list) {
        return TextRenderer.hostResources(list.name(), "shared folders", list.shares(), list.transport(), list.appliesAtNextStart());
    }
}
