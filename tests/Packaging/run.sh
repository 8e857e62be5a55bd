#!/usr/bin/env bash
# Packaging test: pack StaticNet, consume it from a fresh project outside the solution (PackageReference only),
# build with -warnaserror, run it, and publish it with NativeAOT expecting zero trim/AOT warnings.
set -euo pipefail
# Name the failing command, so a CI log says what broke.
trap 'echo "packaging test failed at line $LINENO: $BASH_COMMAND"' ERR
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A unique version per run, so the global package cache never serves a stale StaticNet.
version="0.1.0-ci.$(date +%s)"

echo "--> pack StaticNet $version"
if ! dotnet pack "$root/src/StaticNet" -c Release -o "$work/feed" -p:Version="$version" --nologo > "$work/pack.log" 2>&1; then
  cat "$work/pack.log"; exit 1
fi
package="$work/feed/StaticNet.$version.nupkg"
test -f "$package"
# A zip stores entry names uncompressed, so grep finds them without needing unzip on the machine.
for entry in analyzers/dotnet/cs/StaticNet.Generators.dll lib/net10.0/StaticNet.dll lib/net10.0/StaticNet.xml docs/diagnostics.md; do
  grep -qaF "$entry" "$package" || { echo "$package has no $entry"; exit 1; }
done

mkdir -p "$work/consumer"
cd "$work/consumer"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
cat > Consumer.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <PublishAot>true</PublishAot>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="StaticNet" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > Program.cs <<'CS'
using StaticNet;

var (train, test) = Datasets.LoadDigits().Split(0.2, seed: 0);
var net = new Consumer.TinyDigits(seed: 1);
Trainer.Fit(net, new Adam(1e-2f), train, new TrainingOptions { Epochs = 5, BatchSize = 64 });
System.Console.WriteLine($"consumer accuracy: {Metrics.Accuracy(net, test):F2}");

namespace Consumer
{
    [Network]
    [Input(64)]
    [Dense(16), ReLU]
    [Dense(10)]
    [CrossEntropyLoss]
    public sealed partial class TinyDigits;
}
CS

echo "--> build the consumer with -warnaserror"
dotnet build -c Release -warnaserror --nologo -v minimal
output=$(dotnet run -c Release --no-build)
echo "$output"
echo "$output" | grep -qE "^consumer accuracy: 0\.(8|9)[0-9]$"

echo "--> publish the consumer with NativeAOT"
publish_log="$work/publish.log"
# This machine has gcc, not clang: tell the NativeAOT linker step to use it.
dotnet publish -c Release -r linux-x64 --nologo -p:CppCompilerAndLinker=gcc -o "$work/aot" 2>&1 | tee "$publish_log"
if grep -E "warning (IL[0-9]+|SYSLIB)" "$publish_log"; then
  echo "trim/AOT warnings found"; exit 1
fi
aot_output=$("$work/aot/Consumer")
echo "$aot_output"
echo "$aot_output" | grep -qE "^consumer accuracy: 0\.(8|9)[0-9]$"
echo "--> packaging test passed"
