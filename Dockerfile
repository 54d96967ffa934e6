# JVM image of Goldgate. Build: docker build -t goldgate .
# Run on your lake: docker run -p 8080:8080 -v /lake:/lake -v /etc/goldgate/shares:/shares \
#   -e GOLDGATE_SHARES_DIR=/shares -e GOLDGATE_SIGNING_KEY=... goldgate
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:resolve-plugins dependency:resolve || true
COPY src src
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 goldgate
WORKDIR /app
COPY --from=build --chown=10001 /src/target/quarkus-app/ /app/
COPY --chown=10001 shares /shares
USER 10001
ENV GOLDGATE_SHARES_DIR=/shares \
    JAVA_OPTS="--add-opens=java.base/java.nio=ALL-UNNAMED -XX:MaxRAMPercentage=75"
EXPOSE 8080 8815
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/quarkus-run.jar"]
