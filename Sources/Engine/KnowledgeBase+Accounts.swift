extension KnowledgeBase {
    /// The accounts of a server on this knowledge base's store, with its clock and id maker.
    ///
    /// Embedded mode needs none: it acts as `Principal.local`.
    ///
    /// - Parameter configuration: the signing secret, bcrypt cost and lifetimes.
    /// - Returns: the accounts service.
    public func accounts(configuration: AccountsConfiguration) -> Accounts {
        Accounts(
            store: store,
            configuration: configuration,
            now: self.configuration.now,
            makeId: self.configuration.makeId
        )
    }
}
