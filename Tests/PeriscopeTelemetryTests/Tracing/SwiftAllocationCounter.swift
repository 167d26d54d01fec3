#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Counts the Swift heap allocations (`swift_allocObject`: class instances, array and string storage, boxes,
/// closure contexts) a body makes on the calling thread, through the runtime's `_swift_allocObject` hook.
///
/// **Only call it in an exit test's child process** (`#expect(processExitsWith:)`). Once the hook is used, the
/// runtime switches retain and release to its instrumentation path for the rest of the process, and other
/// threads' retains can then crash; a child process that runs nothing else and exits right after is the safe
/// place. Raw `malloc` (for example `UnsafeMutablePointer.allocate`) is not seen.
enum SwiftAllocationCounter {
    typealias AllocObject = @convention(c) (UnsafeRawPointer?, Int, Int) -> UnsafeMutableRawPointer?

    nonisolated(unsafe) private static var original: AllocObject?
    nonisolated(unsafe) private static var countingThread: pthread_t?
    nonisolated(unsafe) private static var count = 0
    nonisolated(unsafe) private static var swizzlingFlag: UnsafeMutablePointer<UInt8>?

    /// The number of Swift heap allocations `body` made on this thread, or `nil` when the runtime has no hook.
    static func allocations(in body: () -> Void) -> Int? {
        let process = dlopen(nil, RTLD_NOW)
        guard let symbol = dlsym(process, "_swift_allocObject") else { return nil }
        // Seeing the hook set, swift_allocObject turns this flag on, which sends every retain and release through
        // the instrumentation path too; turning it off again after each allocation keeps that path out of the way.
        Self.swizzlingFlag = dlsym(
            process, "_swift_enableSwizzlingOfAllocationAndRefCountingFunctions_forInstrumentsOnly"
        )
        .map { $0.assumingMemoryBound(to: UInt8.self) }
        let hook = symbol.assumingMemoryBound(to: AllocObject?.self)
        Self.original = hook.pointee
        Self.count = 0
        Self.countingThread = pthread_self()
        hook.pointee = { metadata, size, alignmentMask in
            if let thread = SwiftAllocationCounter.countingThread, pthread_equal(thread, pthread_self()) != 0 {
                SwiftAllocationCounter.count += 1
            }
            let object = SwiftAllocationCounter.original!(metadata, size, alignmentMask)
            SwiftAllocationCounter.swizzlingFlag?.pointee = 0
            return object
        }
        body()
        hook.pointee = Self.original
        Self.countingThread = nil
        return Self.count
    }

    /// Exit status for an exit test: 0 when `body` made no Swift heap allocation, else the count (at most 250),
    /// or 251 when the runtime has no hook.
    static func exitStatus(allowing allowed: Int = 0, _ body: () -> Void) -> Int32 {
        guard let count = Self.allocations(in: body) else { return 251 }
        return count <= allowed ? 0 : Int32(min(count, 250))
    }
}
