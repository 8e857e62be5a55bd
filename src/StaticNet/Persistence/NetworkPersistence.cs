namespace StaticNet;

/// <summary>Extension methods to save and load a network in the <see cref="Safetensors"/> format.</summary>
public static class NetworkPersistence
{
    /// <summary>Saves the network's parameters and buffers to <paramref name="path"/>; see
    /// <see cref="Safetensors.Save(INetwork, string, IReadOnlyDictionary{string, string}?)"/>.</summary>
    /// <param name="network">The network to save.</param>
    /// <param name="path">The file to create or replace (atomically).</param>
    /// <param name="metadata">Extra <c>__metadata__</c> strings.</param>
    public static void Save(this INetwork network, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        Safetensors.Save(network, path, metadata);

    /// <summary>Loads the network's parameters and buffers from <paramref name="path"/>; see <see cref="Safetensors.Load(INetwork, string)"/>.</summary>
    /// <param name="network">The network to load into; unchanged if the file is rejected.</param>
    /// <param name="path">A safetensors file.</param>
    /// <exception cref="InvalidDataException">The file is malformed or does not match the network.</exception>
    public static void Load(this INetwork network, string path) => Safetensors.Load(network, path);
}
