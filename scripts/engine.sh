#!/usr/bin/env bash
# Private Docker engines for Berth's tests, benchmarks and `make run`.
#
# Each engine has its own socket, data root, exec root, pidfile and bridge, so it
# never touches a system engine. The first engine ("primary") runs in the host's
# network namespace on its own bridge; any other engine runs in a network
# namespace of its own, joined to the host by a veth pair, so several can run at
# once without their bridges or iptables rules colliding.
#
#   scripts/engine.sh start [NAME] [--tls|--ssh]
#                                    start NAME (default: primary), wait for /_ping, seed images;
#                                    with --tls (not for primary) NAME also listens on TCP+TLS
#                                    port 2376 in its namespace, client certificates required;
#                                    with --ssh (not for primary) NAME is reachable only through
#                                    an sshd of its own in its namespace (key-only, port 22), its
#                                    socket in a mount namespace that only dockerd and sshd see
#   scripts/engine.sh stop  [NAME]   stop NAME and remove its namespace and links
#   scripts/engine.sh env   [NAME]   print `export DOCKER_HOST=...` for NAME (for a --tls engine:
#                                    its tcp:// address, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH;
#                                    for an --ssh engine: BERTH_SSH_DOCKER_HOST, BERTH_SSH_KEY,
#                                    BERTH_SSH_SOCKET and BERTH_SSH_HOST_KEY, its fingerprint)
#   scripts/engine.sh status [NAME]  exit 0 when NAME answers /_ping
#   scripts/engine.sh seed  [NAME]   (re)import busybox:latest from Debian's busybox-static
set -euo pipefail

cmd=${1:-}
name=${2:-primary}
with_tls=0
with_ssh=0
if [ "${3:-}" = --tls ]; then with_tls=1; fi
if [ "${3:-}" = --ssh ]; then with_ssh=1; fi
case "$name" in (*[!a-z0-9]*|"") echo "engine name must be [a-z0-9]+" >&2; exit 2;; esac

run_root=${BERTH_ENGINE_RUN:-/run/berth-engines}/$name
data_root=${BERTH_ENGINE_DATA:-/var/lib/berth-engines}/$name
sock=$run_root/docker.sock
pidfile=$run_root/docker.pid
log=$run_root/dockerd.log
netns=berth-$name
# A --tls engine's certificates: the CA and server pair dockerd uses, and client/ in the docker
# CLI's DOCKER_CERT_PATH layout (ca.pem, cert.pem, key.pem).
tls_dir=$run_root/tls
tls_port=2376
# An --ssh engine: sshd's host key, its config and the client key in ssh/, and the engine's socket
# in hidden/, a tmpfs mounted in a mount namespace of the engine's own (the host sees an empty
# directory). sshd, which holds that namespace, writes its pid to ssh/holder.pid.
ssh_dir=$run_root/ssh
hidden=$run_root/hidden

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "scripts/engine.sh must run as root (dockerd needs it); try sudo" >&2
    exit 1
  fi
}

install_engine() {
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v busybox >/dev/null 2>&1; then
    echo "==> installing docker.io and busybox-static from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io busybox-static iproute2 curl >/dev/null
  fi
}

# Runs a command in the engine's mount namespace when it has one (an --ssh engine), else as is.
in_engine_mounts() {
  if [ -f "$ssh_dir/holder.pid" ] && kill -0 "$(cat "$ssh_dir/holder.pid")" 2>/dev/null; then
    nsenter --mount="/proc/$(cat "$ssh_dir/holder.pid")/ns/mnt" "$@"
  else
    "$@"
  fi
}

# The engine's socket: in hidden/ for an --ssh engine.
if [ -f "$ssh_dir/holder.pid" ]; then sock=$hidden/docker.sock; fi

ping_engine() {
  in_engine_mounts curl -fsS --max-time 2 --unix-socket "$sock" http://engine/_ping >/dev/null 2>&1
}

# A stable, small index per engine name picks its bridge subnet and veth addresses.
engine_index() {
  if [ "$name" = primary ]; then echo 0; return; fi
  echo $(( ( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 200 ) + 1 ))
}

setup_network() {
  local idx; idx=$(engine_index)
  if [ "$idx" = 0 ]; then
    if ! ip link show berth0 >/dev/null 2>&1; then
      ip link add berth0 type bridge
      ip addr add 172.30.0.1/24 dev berth0
    fi
    ip link set berth0 up
    return
  fi
  if ! ip netns list | grep -qw "$netns"; then
    ip netns add "$netns"
    ip link add "bh$idx" type veth peer name "bn$idx"
    ip link set "bn$idx" netns "$netns"
    ip addr add "10.250.$idx.1/24" dev "bh$idx"
    ip link set "bh$idx" up
    ip netns exec "$netns" ip addr add "10.250.$idx.2/24" dev "bn$idx"
    ip netns exec "$netns" ip link set "bn$idx" up
    ip netns exec "$netns" ip link set lo up
    ip netns exec "$netns" ip route add default via "10.250.$idx.1"
  fi
}

# The address a --tls engine listens on, reachable from the host through the veth pair.
tls_address() {
  echo "10.250.$(engine_index).2"
}

# Generates a CA, a server certificate for the engine's addresses and a client certificate,
# once per engine, with openssl.
make_certificates() {
  if [ -f "$tls_dir/client/key.pem" ]; then return; fi
  command -v openssl >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssl >/dev/null
  echo "==> generating TLS certificates for engine '$name'"
  mkdir -p "$tls_dir/client"
  local dir=$tls_dir
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=berth test CA $name" \
    -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$(tls_address)" \
    -keyout "$dir/server-key.pem" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:%s,IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' \
    "$(tls_address)" >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
    -CAcreateserial -days 3650 -extfile "$dir/server.ext" -out "$dir/server-cert.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=berth test client" \
    -keyout "$dir/client/key.pem" -out "$dir/client.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$dir/client.ext"
  openssl x509 -req -in "$dir/client.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
    -CAcreateserial -days 3650 -extfile "$dir/client.ext" -out "$dir/client/cert.pem" 2>/dev/null
  cp "$dir/ca.pem" "$dir/client/ca.pem"
  chmod 600 "$dir"/*key.pem "$dir/client/key.pem"
}

# Generates sshd's host key and the client's key, once per engine, with ssh-keygen, and writes
# sshd's configuration: key-only logins as root, stream-local forwarding, nothing else.
make_ssh_config() {
  if [ ! -x /usr/sbin/sshd ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server >/dev/null
  fi
  mkdir -p "$ssh_dir" /run/sshd
  if [ ! -f "$ssh_dir/host_ed25519" ]; then
    echo "==> generating SSH keys for engine '$name'"
    ssh-keygen -q -t ed25519 -N '' -C "berth test host $name" -f "$ssh_dir/host_ed25519"
    ssh-keygen -q -t ed25519 -N '' -C "berth test client" -f "$ssh_dir/client_ed25519"
    cp "$ssh_dir/client_ed25519.pub" "$ssh_dir/authorized_keys"
    chmod 600 "$ssh_dir/host_ed25519" "$ssh_dir/client_ed25519"
  fi
  # AllowTcpForwarding must stay at its default: `no` also refuses direct-streamlocal channels.
  cat >"$ssh_dir/sshd_config" <<CONFIG
ListenAddress $(tls_address):22
HostKey $ssh_dir/host_ed25519
PidFile $ssh_dir/sshd.pid
AuthorizedKeysFile $ssh_dir/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowStreamLocalForwarding yes
X11Forwarding no
PermitTTY no
MaxSessions 1000
MaxStartups 100:30:200
CONFIG
}

teardown_network() {
  local idx; idx=$(engine_index)
  if [ "$idx" = 0 ]; then
    ip link del berth0 2>/dev/null || true
  else
    ip link del "bh$idx" 2>/dev/null || true
    ip netns del "$netns" 2>/dev/null || true
  fi
}

start() {
  need_root
  install_engine
  if ping_engine; then
    echo "==> engine '$name' already running at unix://$sock"
    if [ "$with_tls" = 1 ] && [ ! -f "$run_root/tls-address" ]; then
      echo "engine '$name' runs without TLS; stop it first to restart it with --tls" >&2
      exit 1
    fi
    if [ "$with_ssh" = 1 ] && [ ! -f "$ssh_dir/holder.pid" ]; then
      echo "engine '$name' runs without SSH; stop it first to restart it with --ssh" >&2
      exit 1
    fi
    return
  fi
  mkdir -p "$run_root" "$data_root"
  setup_network
  local idx; idx=$(engine_index)
  local args=(--host "unix://$sock" --data-root "$data_root" --exec-root "$run_root/exec"
    --pidfile "$pidfile" --group root --storage-driver overlay2)
  rm -f "$run_root/tls-address"
  # With BERTH_ENGINE_OFFLINE=1 the engine's registry requests fail at once (a proxy that refuses
  # connections) instead of waiting on DNS, which no registry answers here; 127.0.0.0/8 stays
  # direct for the local registries. A swarm's tasks otherwise spend ~20 s "Preparing" an image
  # that is already there.
  local offline=()
  if [ "${BERTH_ENGINE_OFFLINE:-0}" = 1 ]; then
    offline=(HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.0/8,localhost)
  fi
  if [ "$with_tls" = 1 ]; then
    if [ "$idx" = 0 ]; then
      echo "the primary engine stays on its unix socket; use another name with --tls" >&2
      exit 2
    fi
    make_certificates
    args+=(--host "tcp://$(tls_address):$tls_port" --tlsverify --tlscacert "$tls_dir/ca.pem"
      --tlscert "$tls_dir/server-cert.pem" --tlskey "$tls_dir/server-key.pem")
    echo "tcp://$(tls_address):$tls_port" >"$run_root/tls-address"
  fi
  if [ "$with_ssh" = 1 ]; then
    if [ "$idx" = 0 ]; then
      echo "the primary engine stays on its unix socket; use another name with --ssh" >&2
      exit 2
    fi
    make_ssh_config
    mkdir -p "$hidden"
    sock=$hidden/docker.sock
    args[1]="unix://$sock"
    args+=(--bridge none --iptables=false)
    rm -f "$ssh_dir/holder.pid"
    # A mount namespace of its own, with a tmpfs over hidden/: dockerd's socket exists only
    # there, and sshd (which holds the namespace, so the holder's pid is sshd's) is the only way in.
    HIDDEN=$hidden LOG=$log HOLDER=$ssh_dir/holder.pid CONFIG=$ssh_dir/sshd_config \
      setsid nsenter --net="/var/run/netns/$netns" unshare --mount --propagation private -- \
      bash -c 'mount -t tmpfs -o mode=0755 berth-hidden "$HIDDEN" || exit 1
        "$@" >"$LOG" 2>&1 </dev/null &
        echo $$ >"$HOLDER"
        exec /usr/sbin/sshd -D -e -f "$CONFIG"' \
      holder dockerd "${args[@]}" >"$ssh_dir/sshd.log" 2>&1 </dev/null &
    for _ in $(seq 1 20); do [ -f "$ssh_dir/holder.pid" ] && break; sleep 0.2; done
  elif [ "$idx" = 0 ]; then
    args+=(--bridge berth0 --iptables=false --ip-masq=false)
    setsid dockerd "${args[@]}" >"$log" 2>&1 </dev/null &
  else
    # `ip netns exec` would remount /sys and hide the cgroups; nsenter only swaps the network.
    # A host name of its own (the engine's name), so that the nodes of a test swarm tell apart.
    args+=(--bridge none --iptables=false)
    setsid nsenter --net="/var/run/netns/$netns" unshare --uts -- \
      sh -c 'hostname "$0" && exec "$@"' "$name" env "${offline[@]}" dockerd "${args[@]}" >"$log" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 120); do
    if ping_engine; then break; fi
    sleep 0.5
  done
  if ! ping_engine; then
    echo "engine '$name' did not answer /_ping; the last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  echo "==> engine '$name' is up at unix://$sock"
  seed
}

stop() {
  need_root
  if [ -f "$pidfile" ]; then
    local pid; pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  fi
  if [ -f "$ssh_dir/holder.pid" ]; then
    kill -TERM "$(cat "$ssh_dir/holder.pid")" 2>/dev/null || true
    rm -f "$ssh_dir/holder.pid"
  fi
  rm -f "$run_root/tls-address"
  teardown_network
  echo "==> engine '$name' stopped"
}

seed() {
  if in_engine_mounts env DOCKER_HOST="unix://$sock" docker image inspect busybox:latest >/dev/null 2>&1; then
    return
  fi
  echo "==> seeding busybox:latest from Debian's busybox-static"
  local tmp; tmp=$(mktemp -d)
  local rootfs=$tmp/rootfs
  mkdir -p "$rootfs"/{bin,etc,tmp,root,home,var,proc,sys,dev,usr/bin,usr/sbin,sbin}
  chmod 1777 "$rootfs/tmp"
  cp "$(command -v busybox)" "$rootfs/bin/busybox"
  local applet
  for applet in $("$rootfs/bin/busybox" --list-full 2>/dev/null || "$rootfs/bin/busybox" --list); do
    case "$applet" in
      */*) dest=$rootfs/$applet ;;
      *) dest=$rootfs/bin/$applet ;;
    esac
    [ -e "$dest" ] || ln -s /bin/busybox "$dest"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  local status=0
  tar -C "$rootfs" -c . | in_engine_mounts env DOCKER_HOST="unix://$sock" docker import -c 'CMD ["/bin/sh"]' - busybox:latest >/dev/null || status=$?
  rm -rf "$tmp"
  return "$status"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  env)
    if [ -f "$ssh_dir/holder.pid" ]; then
      echo "export BERTH_SSH_DOCKER_HOST=ssh://root@$(tls_address):22 BERTH_SSH_KEY=$ssh_dir/client_ed25519 BERTH_SSH_SOCKET=$sock BERTH_SSH_HOST_KEY=$(ssh-keygen -lf "$ssh_dir/host_ed25519.pub" | awk '{print $2}')"
    elif [ -f "$run_root/tls-address" ]; then
      echo "export DOCKER_HOST=$(cat "$run_root/tls-address") DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$tls_dir/client"
    else
      echo "export DOCKER_HOST=unix://$sock"
    fi ;;
  status) ping_engine ;;
  seed) need_root; seed ;;
  *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
