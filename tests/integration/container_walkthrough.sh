#!/usr/bin/env bash
# container_walkthrough.sh — the interactive walk-through a user follows
# first, typed into a real terminal (tmux) with the stock docker CLI:
#   docker run -it --network none busybox sh   a shell, PID 1 in its ps
#   Ctrl-P Ctrl-Q                              detach; the container stays up
#   docker attach                              back in; detach again
#   docker exec -it <ctr> sh                   a second shell; write a file
#   docker stop / docker start                 the file is still there
#   docker rm -f                               gone
# Every wait polls the pane with a bound; nothing asserts on time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"

command -v tmux >/dev/null || skip "tmux not installed"
ct_setup
C=walk$$

tm new-session -d -s walk -x 160 -y 50 \
    env -i PATH="$PATH" HOME="$T" TERM=xterm DOCKER_HOST="$DOCKER_HOST" DOCKER_CONFIG="$DOCKER_CONFIG" \
    PS1='walk$ ' bash --norc --noprofile

# The whole terminal, scroll-back included.
pane() { tm capture-pane -p -t walk -S -; }
_pane_count() { pane | grep -Ec -- "$1" || true; }
# pane_wait REGEX WHAT [N] — wait until N (default 1) lines match REGEX.
pane_wait() {
    local i n=${3:-1}
    for ((i = 0; i < 300; i++)); do
        [ "$(_pane_count "$1")" -ge "$n" ] && return 0
        sleep 0.1
    done
    fail "waited 30s for $2 (/$1/ x$n) in the terminal, which shows:
$(pane | grep -v '^$' | tail -25)"
}
type_line() { tm send-keys -t walk -l "$1" && tm send-keys -t walk Enter; }

pane_wait '^walk\$' "the shell prompt"

note "docker run -it"
type_line "docker run -it --network none --name $C busybox sh"
wait_status "$C" running
ID=$(ci '{{.Id}}' "$C")
SHORT=${ID:0:12}
assert_eq true "$(ci '{{.Config.Tty}}' "$C")" "Config.Tty of run -it"
assert_eq true "$(ci '{{.Config.OpenStdin}}' "$C")" "Config.OpenStdin of run -it"
# $(hostname) is expanded by whichever shell reads the line: only the
# container's prints its short ID.
type_line 'echo "in-$(hostname)"'
pane_wait "^in-$SHORT\$" "the container's shell to answer"
type_line 'ps'
# busybox ps prints PID USER [TIME] COMMAND, depending on its build.
pane_wait '^ +1 root +([0-9:]+ +)?sh$' "ps inside: the shell as PID 1"

note "Ctrl-P Ctrl-Q detaches"
# The CLI may or may not print "read escape sequence"; what matters is
# that the host shell reads the next line: only it prints the host's name.
HOSTNAME_HOST=$(hostname)
tm send-keys -t walk C-p C-q
pane_wait 'walk\$ *$' "the host prompt after the detach"
type_line 'echo "host-$(hostname)"'
pane_wait "^host-$HOSTNAME_HOST\$" "the host shell back after the detach"
dk_ok ps --filter "name=$C" --format '{{.Names}} {{.Status}}'
assert_match "$OUT" "^$C Up " "docker ps after the detach"

note "docker attach, detach again"
type_line "docker attach $C"
type_line 'echo "back-$(hostname)"'
pane_wait "^back-$SHORT\$" "the attached shell to answer"
tm send-keys -t walk C-p C-q
pane_wait 'walk\$ *$' "the host prompt after detaching from attach"
type_line 'echo "host-$(hostname)"'
pane_wait "^host-$HOSTNAME_HOST\$" "the host shell back after detaching from attach" 2
assert_eq running "$(ci '{{.State.Status}}' "$C")" "status after the second detach"

note "docker exec -it"
type_line "docker exec -it $C sh"
type_line 'echo "exec-$(hostname) $$"'
pane_wait "^exec-$SHORT [0-9]+\$" "the exec shell to answer"
exec_pid=$(pane | grep -E "^exec-$SHORT [0-9]+\$" | tail -1 | cut -d' ' -f2)
assert_ne 1 "$exec_pid" "the exec shell is not PID 1"
type_line 'echo kept-across-restart > /keep-file; echo "wrote-$((1 + 1))"'
pane_wait '^wrote-2$' "the write in the exec shell"
type_line 'exit'
# Keys typed before the host prompt is back go to `docker exec`, which still
# reads the terminal until it exits (dockerd's CLI too): wait for the bare prompt.
pane_wait 'walk\$ *$' "the host prompt after exit from the exec shell"
type_line 'echo "host-$(hostname)"'
pane_wait "^host-$HOSTNAME_HOST\$" "the host shell after exit from the exec shell" 3
assert_eq running "$(ci '{{.State.Status}}' "$C")" "the container after the exec shell exited"

note "stop and start keep the file"
# An interactive sh as PID 1 ignores SIGTERM: stop ends it with SIGKILL.
dk_ok stop -t 2 "$C"
assert_eq exited "$(ci '{{.State.Status}}' "$C")" "status after docker stop"
dk_ok start "$C"
assert_eq running "$(ci '{{.State.Status}}' "$C")" "status after docker start"
dk_ok exec "$C" cat /keep-file
assert_eq kept-across-restart "$OUT" "a file written before stop, after start"

note "docker rm -f"
dk_ok rm -f "$C"
dk_ok ps -a -q --filter "name=$C"
assert_eq "" "$OUT" "docker ps -a after rm -f"
dk_fails container inspect "$C"
assert_contains "$OUT" "No such container: $C" "inspect after rm -f"
echo PASS
