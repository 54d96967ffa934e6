# Sourced by ./mvnw and .ci/run: makes JAVA_HOME point at a JDK 21 or newer.
# Keeps JAVA_HOME when it already qualifies, else tries `java` on PATH, else the newest JDK in the
# usual install locations; stops with a clear message when none qualifies.

# Plain sh and sed only (no awk): the Mandrel builder image of the Dockerfile is a minimal one.
goldgate_java_major() {
  set -- $("$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\)\(\.\([0-9]*\)\)\{0,1\}.*/\1 \3/p' | head -n 1)
  if [ "${1:-}" = 1 ]; then echo "${2:-}"; else echo "${1:-}"; fi
}

goldgate_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(goldgate_java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  goldgate_best=""
  goldgate_best_major=0
  goldgate_path_java=$(command -v javac 2>/dev/null || true)
  for goldgate_candidate in \
      ${goldgate_path_java:+"$(dirname "$(dirname "$(readlink -f "$goldgate_path_java")")")"} \
      /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$goldgate_candidate/bin/javac" ] || continue
    goldgate_major=$(goldgate_java_major "$goldgate_candidate")
    if [ -n "$goldgate_major" ] && [ "$goldgate_major" -ge 21 ] && [ "$goldgate_major" -gt "$goldgate_best_major" ]; then
      goldgate_best=$goldgate_candidate
      goldgate_best_major=$goldgate_major
    fi
  done
  if [ -z "$goldgate_best" ]; then
    echo "Goldgate needs a JDK 21 or newer, and none was found (JAVA_HOME=${JAVA_HOME:-unset}," \
      "java on PATH: $(java -version 2>&1 | head -n 1))." >&2
    echo "Install one (for example: apt-get install openjdk-21-jdk) or set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME=$goldgate_best
  export JAVA_HOME
}

goldgate_find_jdk
