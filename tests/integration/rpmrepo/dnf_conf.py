"""Print the repositories dnf itself reads from an image root, in the
format of `rpmrepo_tool conf`: the oracle for lib/rpmrepo's .repo reader.

usage: dnf_conf.py ROOT RELEASEVER BASEARCH  (run with the python that has dnf)
"""
import sys

import dnf

root, releasever, basearch = sys.argv[1:4]
base = dnf.Base()
conf = base.conf
conf.installroot = root
conf.reposdir = [root + "/etc/yum.repos.d"]
conf.varsdir = [root + "/etc/dnf/vars", root + "/etc/yum/vars"]
conf.releasever = releasever
conf.substitutions["basearch"] = basearch
conf.substitutions["arch"] = basearch
conf.read(root + "/etc/dnf/dnf.conf")
conf.substitutions.update_from_etc("/", varsdir=conf.varsdir)
base.read_all_repos()
for repo in sorted(base.repos.all(), key=lambda r: r.id):
    keys = [k[len("file://"):] for k in repo.gpgkey if k.startswith("file:///")]
    print("%s|%d|%d|%d|%d|%s|%s" % (repo.id, repo.enabled, repo.gpgcheck, repo.repo_gpgcheck,
                                    repo.priority, ",".join(repo.baseurl), ",".join(keys)))
