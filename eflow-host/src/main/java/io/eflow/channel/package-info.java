/**
 * The host side of the management channel: SSH to each guest's OpenSSH sshd over a host-only UNIX socket.
 *
 * <p>Entry points: {@link io.eflow.channel.UserCertificateAuthority} (per-install user CA),
 * {@link io.eflow.channel.GuestHostKey} (generated at deploy, pinned), {@link io.eflow.channel.GuestConnections}
 * (the daemon's pool: exec, SFTP, ping). The UNIX-socket transport for MINA is package-private.
 *
 * <p>What the guest's sshd must provide for this to work (checked against OpenSSH 9.2 in GuestConnectionsIT):
 * <ul>
 *   <li>{@code TrustedUserCAKeys} with {@link io.eflow.channel.UserCertificateAuthority#publicKeyLine()}, and the
 *       host key written by {@link io.eflow.channel.GuestHostKey#writeForSshd}.</li>
 *   <li>A {@code Subsystem sftp} line ({@code internal-sftp} needs no extra binary) for upload and download.</li>
 *   <li>With {@code UsePAM no}, the login user's shadow password must not start with {@code !} (useradd's default):
 *       sshd then treats the account as locked and refuses even certificate logins; use {@code *}.</li>
 *   <li>sshd's privilege-separation user {@code sshd} and the directory {@code /run/sshd} (root-owned).</li>
 * </ul>
 */
package io.eflow.channel;
