using System.Text.Json;

namespace StaticNet.Tests.Support;

/// <summary>Builds an optimizer from one entry of a fixture's "optimizers" array (PyTorch key names and defaults).</summary>
public static class OptimizerFactory
{
    /// <summary>
    /// Creates the optimizer described by <paramref name="entry"/>: "type" is sgd, adam, adamw, rmsprop or adagrad;
    /// hyper-parameters use PyTorch's names (lr, momentum, dampening, nesterov, weight_decay, betas, eps, amsgrad,
    /// alpha, centered, lr_decay, initial_accumulator_value). A missing key takes PyTorch's default; other keys
    /// (label, steps, clip_grad_norm, l1, results) are ignored.
    /// </summary>
    public static IOptimizer Create(JsonElement entry)
    {
        string type = entry.GetProperty("type").GetString() ?? throw new ArgumentException("\"type\" is null.", nameof(entry));
        float Number(string key, float fallback) => entry.TryGetProperty(key, out var v) ? (float)v.GetDouble() : fallback;
        bool Flag(string key) => entry.TryGetProperty(key, out var v) && v.GetBoolean();
        float Beta(int index, float fallback) => entry.TryGetProperty("betas", out var v) ? (float)v[index].GetDouble() : fallback;

        return type switch
        {
            "sgd" => new Sgd(
                entry.TryGetProperty("lr", out var lr) ? (float)lr.GetDouble() : throw new ArgumentException("SGD needs \"lr\" (PyTorch has no default).", nameof(entry)),
                Number("momentum", 0f), Number("dampening", 0f), Flag("nesterov"), Number("weight_decay", 0f)),
            "adam" => new Adam(Number("lr", 1e-3f), Beta(0, 0.9f), Beta(1, 0.999f), Number("eps", 1e-8f), Number("weight_decay", 0f), Flag("amsgrad")),
            "adamw" => new AdamW(Number("lr", 1e-3f), Beta(0, 0.9f), Beta(1, 0.999f), Number("eps", 1e-8f), Number("weight_decay", 1e-2f), Flag("amsgrad")),
            "rmsprop" => new RmsProp(Number("lr", 1e-2f), Number("alpha", 0.99f), Number("eps", 1e-8f), Number("weight_decay", 0f),
                Number("momentum", 0f), Flag("centered")),
            "adagrad" => new Adagrad(Number("lr", 1e-2f), Number("lr_decay", 0f), Number("weight_decay", 0f),
                Number("initial_accumulator_value", 0f), Number("eps", 1e-10f)),
            _ => throw new NotSupportedException($"Unknown optimizer type \"{type}\" (expected sgd, adam, adamw, rmsprop or adagrad)."),
        };
    }
}
