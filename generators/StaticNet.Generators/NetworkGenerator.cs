namespace StaticNet.Generators;
