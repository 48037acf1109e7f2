# The Tandem image: one `tandem` program that runs the operator (default), the mock engine and the router.
# Build: docker build -t ghcr.io/tandem-serving/tandem:0.1.0 .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Operator.sln ./
COPY src/ src/
RUN dotnet publish src/Tandem.Cli/Tandem.Cli.csproj -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The aspnet image ships a non-root user `app` (uid 1654); run as it, with no writable state needed.
USER 1654:1654
ENV DOTNET_EnableDiagnostics=0 \
    ASPNETCORE_URLS=
EXPOSE 8080 8081
ENTRYPOINT ["dotnet", "/app/tandem.dll"]
CMD ["operator"]
