# syntax=docker/dockerfile:1
#
# Goldgate images. Two targets:
#   docker build -t goldgate .                          JVM image (default, last stage): everything,
#                                                       Arrow Flight and materialization included
#   docker build --target native -t goldgate:native .   native executable (Mandrel): Delta Sharing,
#                                                       online features, admin API; no Flight (native/README.md)
#
# Both run as uid 10001 (group 0), listen on 8080 (HTTP), 8815 (Arrow Flight) and 9000 (management:
# health, metrics, OpenAPI document, Swagger UI; publish it only where operators reach it), keep
# runtime state in /data (GOLDGATE_STATE_DIR) and write only there and to /tmp, so the root file
# system can be read-only. They ship no catalog and no token: /shares and /feature-defs are empty
# (the gateway starts, warns and shares nothing) until you mount yours:
#   docker run --read-only -v goldgate-data:/data --tmpfs /tmp -p 8080:8080 -p 8815:8815 \
#     -p 127.0.0.1:9000:9000 -v /etc/goldgate/shares:/shares:ro -e GOLDGATE_SIGNING_KEY=... goldgate
# Tables on s3://..., or mount the lake too. A demo on the repository's sample catalog (whose
# tokens are public): -v "$PWD/shares:/shares:ro" -v "$PWD/feature-defs:/feature-defs:ro".

ARG MAVEN_BUILDER=eclipse-temurin:21-jdk
ARG MANDREL_BUILDER=quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25
ARG JVM_RUNTIME=eclipse-temurin:21-jre
ARG NATIVE_RUNTIME=quay.io/quarkus/ubi9-quarkus-micro-image:2.0

# ---- JVM build: the Maven wrapper, as on a developer machine --------------------------------------
FROM ${MAVEN_BUILDER} AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
# Dependencies in their own layer, so a source change does not download them again.
RUN ./mvnw -B -q dependency:resolve-plugins dependency:resolve || true
COPY src src
RUN ./mvnw -B -q package -DskipTests
# The writable state directory and the empty catalog and feature directories (mount points),
# created here so runtime stages need no shell to make them.
RUN mkdir -p /rootfs/data /rootfs/shares /rootfs/feature-defs

# ---- Native build: Mandrel's native-image, through the `native` Maven profile ----------------------
FROM ${MANDREL_BUILDER} AS native-build
USER root
WORKDIR /project
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:resolve-plugins dependency:resolve || true
COPY native native
COPY src src
# The native profile builds in target/native (see pom.xml).
RUN ./mvnw -B package -Dnative -DskipTests && cp target/native/*-runner /project/goldgate
RUN mkdir -p /rootfs/data /rootfs/shares /rootfs/feature-defs

# ---- Native runtime ---------------------------------------------------------------------------------
FROM ${NATIVE_RUNTIME} AS native
WORKDIR /app
COPY --from=native-build --chown=10001:0 --chmod=0755 /project/goldgate /app/goldgate
COPY --from=native-build --chown=10001:0 /rootfs/shares /shares
COPY --from=native-build --chown=10001:0 /rootfs/feature-defs /feature-defs
COPY --from=native-build --chown=10001:0 /rootfs/data /data
ENV GOLDGATE_SHARES_DIR=/shares \
    GOLDGATE_FEATURES_DIR=/feature-defs \
    GOLDGATE_STATE_DIR=/data
VOLUME ["/data", "/tmp"]
USER 10001
EXPOSE 8080 8815 9000
ENTRYPOINT ["/app/goldgate", "-Dquarkus.http.host=0.0.0.0"]

# ---- JVM runtime (default target) -------------------------------------------------------------------
FROM ${JVM_RUNTIME} AS jvm
# A named user (libraries that look up the current user, such as Hadoop's, fail on a bare uid).
RUN useradd --system --uid 10001 --gid 0 --home-dir /app --no-create-home goldgate
WORKDIR /app
# Quarkus fast-jar layout, dependencies first: they change less often than the application.
COPY --from=build --chown=10001:0 /src/target/quarkus-app/lib/ /app/lib/
COPY --from=build --chown=10001:0 /src/target/quarkus-app/*.jar /app/
COPY --from=build --chown=10001:0 /src/target/quarkus-app/app/ /app/app/
COPY --from=build --chown=10001:0 /src/target/quarkus-app/quarkus/ /app/quarkus/
COPY --from=build --chown=10001:0 /rootfs/shares /shares
COPY --from=build --chown=10001:0 /rootfs/feature-defs /feature-defs
COPY --from=build --chown=10001:0 /rootfs/data /data
# MALLOC_ARENA_MAX: glibc gives each thread that calls malloc an arena of its own, up to 8 per core,
# each keeping freed memory; the JVM's and the native libraries' allocations fit in two (README,
# "Memory": about 45 MB less resident after the partner benchmark).
ENV GOLDGATE_SHARES_DIR=/shares \
    GOLDGATE_FEATURES_DIR=/feature-defs \
    GOLDGATE_STATE_DIR=/data \
    JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=40 -XX:G1PeriodicGCInterval=60000 -XX:GCTimeRatio=4" \
    MALLOC_ARENA_MAX=2
VOLUME ["/data", "/tmp"]
USER 10001
EXPOSE 8080 8815 9000
# --add-opens is not optional (Arrow memory needs java.nio), so it is part of the command, not of
# JAVA_OPTS, which deployments override for heap and GC settings. arrow-dataset unpacks its JNI
# library into java.io.tmpdir (/tmp): keep /tmp writable and not mounted noexec.
ENTRYPOINT ["sh", "-c", "exec java --add-opens=java.base/java.nio=ALL-UNNAMED $JAVA_OPTS -jar /app/quarkus-run.jar"]
