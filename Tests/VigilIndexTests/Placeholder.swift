import Testing
@Test func indexPlaceholder() { #expect(Bool(true)) }
