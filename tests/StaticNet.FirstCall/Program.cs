using System.Diagnostics;
using StaticNet;

// First-call latency: what a fresh process pays for the first Forward, TrainStep and Freeze of the digits MLP, which
// is mostly the JIT compiling the kernels (NativeAOT and ReadyToRun compile them ahead of time). One line per figure.
//   dotnet run -c Release --project tests/StaticNet.FirstCall
//   dotnet publish -c Release tests/StaticNet.FirstCall -p:PublishReadyToRun=true -r linux-x64 -o /tmp/r2r && /tmp/r2r/StaticNet.FirstCall
//   dotnet publish -c Release tests/StaticNet.FirstCall -p:Aot=true -p:IlcInstructionSet=native -r linux-x64 -o /tmp/aot && /tmp/aot/StaticNet.FirstCall
var input = new float[32 * 64];
for (int i = 0; i < input.Length; i++) input[i] = i % 17;
var labels = new int[32];
for (int i = 0; i < labels.Length; i++) labels[i] = i % 10;
var output = new float[32 * 10];

double Time(Action action)
{
    long start = Stopwatch.GetTimestamp();
    action();
    return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}

FirstCall.DigitsNet net = null!;
Console.WriteLine($"constructor: {Time(() => net = new FirstCall.DigitsNet(0)):F2} ms");
Console.WriteLine($"first Forward, 1 sample: {Time(() => net.Forward(input.AsSpan(0, 64), output.AsSpan(0, 10))):F2} ms");
Console.WriteLine($"first Forward, 32 samples: {Time(() => net.Forward(input, output)):F2} ms");
var adam = new Adam(1e-3f);
Console.WriteLine($"first TrainStep, 32 samples: {Time(() => net.TrainStep(input, labels, adam)):F2} ms");
Console.WriteLine($"second TrainStep: {Time(() => net.TrainStep(input, labels, adam)):F3} ms");
FirstCall.DigitsNet.Frozen frozen = null!;
Console.WriteLine($"Freeze: {Time(() => frozen = net.Freeze()):F2} ms");
Console.WriteLine($"first frozen Forward, 1 sample: {Time(() => frozen.Forward(input.AsSpan(0, 64), output.AsSpan(0, 10))):F2} ms");
Console.WriteLine($"first frozen Forward, 32 samples: {Time(() => frozen.Forward(input, output)):F2} ms");

namespace FirstCall
{
    [Network]
    [Input(64)]
    [Dense(32), ReLU]
    [Dense(16), ReLU]
    [Dense(10)]
    [CrossEntropyLoss]
    public sealed partial class DigitsNet;
}
