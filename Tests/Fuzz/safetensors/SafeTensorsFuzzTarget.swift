// libFuzzer entry point for the safetensors reader of LeptonTensor (the byte-level files of
// Sources/LeptonTensor/SafeTensors, compiled by Tests/Fuzz/run.sh without the Tensor conversions). Any input must
// either parse or throw SafeTensorsError; a crash, a sanitizer report or another error is a finding. A parsed file
// has every tensor read as floats, 64-bit and 32-bit integers, each read either succeeding with one value per element
// or throwing SafeTensorsError.
import Foundation

/// Parses one fuzzer input as a safetensors file and reads every tensor in it.
/// - Parameters:
///   - bytes: the input.
///   - count: its length.
/// - Returns: 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    do {
        let file = try SafeTensorsFile(data: data)
        for name in file.names {
            let entry = try file.entry(name)
            if let floats = try? file.floats(name) {
                precondition(floats.count == entry.elementCount, "safetensors: \(name) read \(floats.count) floats")
            }
            _ = try? file.int64s(name)
            _ = try? file.int32s(name)
        }
    } catch is SafeTensorsError {
    } catch {
        fatalError("safetensors: untyped error \(error)")
    }
    return 0
}
