#!/usr/bin/env python3
"""report.py — turns the compatibility suite's results file into the pass
table (command x client) and the counts.

  report.py RESULTS                print the table as text
  report.py RESULTS --markdown F   also write it as a Markdown table to F
                                   (the table in docs/compatibility.md)
  report.py RESULTS --counts       print only "PASSED FAILED"

RESULTS holds one line per check: STATUS TAB CLIENT TAB COMMAND TAB NOTE
(compat_lib.sh). A cell is "pass" when every check of that command and
client passed, "FAIL" when any failed, "not implemented" when the checks
were SKIP lines saying so, "known bug" for checks that found a known
divergence and skipped (they turn to "pass" once it is fixed), "skip" for
other skips, and "-" when that client
has no such command. A client skipped as a whole (COMMAND "*") shows "not
run" in every row.
"""

import sys

CLIENTS = ["docker-cli", "docker.io", "docker-py", "docker-compose"]


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4:
                rows.append(parts)
    return rows


def cells(rows):
    commands, table, whole_skips = [], {}, {}
    for status, client, command, note in rows:
        if command == "*":
            whole_skips[client] = note
            continue
        if command not in commands:
            commands.append(command)
        if status == "FAIL":
            cell = "FAIL"
        elif status == "SKIP":
            if note.startswith("not implemented"):
                cell = "not implemented"
            elif "known bug" in note:
                cell = "known bug"
            else:
                cell = "skip"
        else:
            cell = "pass"
        prev = table.get((command, client))
        # The worst outcome wins: one failed check fails the cell.
        order = ["pass", "skip", "not implemented", "known bug", "FAIL"]
        if prev is None or order.index(cell) > order.index(prev):
            table[(command, client)] = cell
    for client in whole_skips:
        for command in commands:
            table[(command, client)] = "not run"
    return commands, table, whole_skips


def main(argv):
    rows = load(argv[1])
    passed = sum(1 for r in rows if r[0] == "PASS")
    failed = sum(1 for r in rows if r[0] == "FAIL")
    if "--counts" in argv:
        print(passed, failed)
        return 0
    commands, table, whole_skips = cells(rows)
    clients = [c for c in CLIENTS if any(k[1] == c for k in table)]
    width = max([len(c) for c in commands] + [7])
    print("%-*s  %s" % (width, "command", "  ".join("%-15s" % c for c in clients)))
    for command in commands:
        print("%-*s  %s" % (width, command,
                            "  ".join("%-15s" % table.get((command, c), "-") for c in clients)))
    for client, why in whole_skips.items():
        print("not run: %s: %s" % (client, why))
    if "--markdown" in argv:
        out = argv[argv.index("--markdown") + 1]
        with open(out, "w") as f:
            f.write("| command | %s |\n" % " | ".join(clients))
            f.write("|---|%s\n" % ("---|" * len(clients)))
            for command in commands:
                f.write("| %s | %s |\n" % (command, " | ".join(table.get((command, c), "-") for c in clients)))
            for client, why in whole_skips.items():
                f.write("\n*%s* was not run: %s.\n" % (client, why))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
