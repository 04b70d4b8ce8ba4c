import LeptonTensor

/// A named parameter of a module, with its dotted path such as `conv1.weight` or `0.bias`.
public struct NamedParameter {
    /// The dotted path from the root module.
    public let path: String
    /// The parameter.
    public let parameter: Parameter
}

/// A differentiable computation with parameters: a layer, a block of layers, a whole model.
///
/// Implement ``callAsFunction(_:context:)``. Parameters are found by reflection over stored properties — a
/// ``Parameter``, a nested `Module`, or an array, optional, dictionary, tuple, struct or enum payload holding
/// them — and named by property path (`encoder.layers.0.weight`, `heads.query.weight` for a dictionary entry,
/// `pair.1.bias` for a tuple element); override ``namedParameters()`` to name them differently. A class that is
/// not a `Module` is not searched, and one that holds parameters itself stops the program with a message naming
/// it: make that class a `Module`. A parameter reachable by
/// several paths (a layer used twice) is listed once, under its first path, as PyTorch's `named_parameters()`.
public protocol Module: AnyObject {
    /// Applies the module to `input`.
    ///
    /// - Parameters:
    ///   - input: The input batch.
    ///   - context: Training or inference, gradient recording and randomness.
    /// - Returns: The output batch.
    func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor

    /// Every parameter and buffer of the module and its children, with dotted paths, in a stable order.
    func namedParameters() -> [NamedParameter]
}

extension Module {
    /// Applies the module for inference: no dropout, running statistics, no gradient recording.
    ///
    /// - Parameter input: The input batch.
    /// - Returns: The output batch.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        callAsFunction(input, context: .inference)
    }

    /// Parameters found by reflection over stored properties (see ``Module``), each listed once.
    public func namedParameters() -> [NamedParameter] {
        ParameterReflection.parameters(of: self, prefix: "").uniqued()
    }

    /// The parameters an optimizer may change.
    public var trainableParameters: [NamedParameter] {
        namedParameters().filter { $0.parameter.isTrainable }
    }

    /// The number of scalar values in trainable parameters and in the rest (frozen weights and buffers).
    ///
    /// A parameter shared by several layers counts once.
    public var parameterCounts: (trainable: Int, nonTrainable: Int) {
        namedParameters().uniqued().reduce(into: (0, 0)) { counts, named in
            if named.parameter.isTrainable {
                counts.0 += named.parameter.value.elementCount
            } else {
                counts.1 += named.parameter.value.elementCount
            }
        }
    }

    /// Stops every weight of this module from training (transfer learning); buffers are unaffected.
    public func freeze() {
        for named in namedParameters() { named.parameter.isTrainable = false }
    }

    /// Lets every weight of this module train again.
    public func unfreeze() {
        for named in namedParameters() { named.parameter.isTrainable = true }
    }

    /// The path and type of the first layer inside this module that has not created its parameters yet (a lazily
    /// built layer never called), or `nil` when every layer is built.
    public var firstUnbuiltLayer: String? {
        ParameterReflection.firstUnbuiltLayer(in: self, path: "")
    }

    /// The parameter at a dotted path, or `nil`.
    ///
    /// - Parameter path: A path such as `conv1.weight`.
    /// - Returns: The parameter.
    public func parameter(at path: String) -> Parameter? {
        namedParameters().first { $0.path == path }?.parameter
    }
}

/// Finds parameters through `Mirror`.
enum ParameterReflection {
    static func parameters(of module: Module, prefix: String) -> [NamedParameter] {
        var found: [NamedParameter] = []
        var mirror: Mirror? = Mirror(reflecting: module)
        var mirrors: [Mirror] = []
        while let current = mirror {
            mirrors.insert(current, at: 0)
            mirror = current.superclassMirror
        }
        for current in mirrors {
            for child in current.children {
                guard let label = child.label else { continue }
                collect(child.value, path: prefix + cleaned(label), into: &found)
            }
        }
        return found
    }

    private static func collect(_ value: Any, path: String, into found: inout [NamedParameter]) {
        switch value {
        case let parameter as Parameter:
            found.append(NamedParameter(path: path, parameter: parameter))
        case let module as Module:
            found += module.namedParameters().map {
                NamedParameter(path: path + "." + $0.path, parameter: $0.parameter)
            }
        case is Tensor, is String, is [Float], is [Double], is [Int], is [Int32], is [UInt8], is [String]:
            return
        case let array as [Any]:
            for (index, element) in array.enumerated() { collect(element, path: "\(path).\(index)", into: &found) }
        default:
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional:
                if let wrapped = mirror.children.first { collect(wrapped.value, path: path, into: &found) }
            case .dictionary:
                // Entries in key order, so paths are stable from run to run.
                let entries = mirror.children.compactMap { entry -> (String, Any)? in
                    let pair = Array(Mirror(reflecting: entry.value).children)
                    guard pair.count == 2 else { return nil }
                    return (String(describing: pair[0].value), pair[1].value)
                }
                for (key, element) in entries.sorted(by: { $0.0 < $1.0 }) {
                    collect(element, path: "\(path).\(key)", into: &found)
                }
            case .tuple, .struct, .enum:
                for (index, child) in mirror.children.enumerated() {
                    let label = child.label.map(cleaned) ?? "\(index)"
                    let name = label.hasPrefix(".") ? String(label.dropFirst()) : label
                    collect(child.value, path: "\(path).\(name)", into: &found)
                }
            case .class:
                // A class that is not a Module is not searched; holding parameters there would leave them untrained
                // and unsaved without a word, so it is rejected (a programmer error, like a bad index).
                if let held = mirror.children.first(where: { $0.value is Parameter || $0.value is [Parameter] }) {
                    fatalError(
                        "\(path).\(held.label ?? "?"): a Parameter held by \(type(of: value)), which is not a Module, would never be trained or saved; make \(type(of: value)) conform to Module"
                    )
                }
            default:
                return
            }
        }
    }

    /// The path of the first layer that has not created its parameters yet, searching modules, arrays and
    /// optionals, or `nil` when every layer is built.
    static func firstUnbuiltLayer(in value: Any, path: String) -> String? {
        if let sequential = value as? Sequential {
            for (index, layer) in sequential.layers.enumerated() {
                if let found = firstUnbuiltLayer(in: layer, path: path.isEmpty ? "\(index)" : "\(path).\(index)") {
                    return found
                }
            }
            return nil
        }
        if let layer = value as? any Layer {
            return layer.isBuilt ? nil : "\(path.isEmpty ? "model" : path) (\(layer.typeName))"
        }
        if value is Module {
            for child in Mirror(reflecting: value).children {
                guard let label = child.label else { continue }
                let childPath = path.isEmpty ? cleaned(label) : "\(path).\(cleaned(label))"
                if let found = firstUnbuiltLayer(in: child.value, path: childPath) { return found }
            }
            return nil
        }
        if let array = value as? [Any] {
            for (index, element) in array.enumerated() {
                if let found = firstUnbuiltLayer(in: element, path: "\(path).\(index)") { return found }
            }
            return nil
        }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional, let wrapped = mirror.children.first {
            return firstUnbuiltLayer(in: wrapped.value, path: path)
        }
        return nil
    }

    /// Property wrappers and lazy properties appear with a leading underscore or `$__lazy_storage_$_`.
    private static func cleaned(_ label: String) -> String {
        if label.hasPrefix("$__lazy_storage_$_") { return String(label.dropFirst("$__lazy_storage_$_".count)) }
        if label.hasPrefix("_") { return String(label.dropFirst()) }
        return label
    }
}

extension Array where Element == NamedParameter {
    /// The parameters with each parameter object kept once, at its first path.
    public func uniqued() -> [NamedParameter] {
        var seen = Set<ObjectIdentifier>()
        return filter { seen.insert(ObjectIdentifier($0.parameter)).inserted }
    }
}
